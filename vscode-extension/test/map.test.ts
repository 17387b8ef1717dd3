// Unit tests of the "Durable Objects" view's tree (src/map.ts), built from a `durable-lsp/graph`
// answer shaped like the server's over the shipped examples, under plain Node.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTree, GraphResult, MapNode } from '../src/map';

const at = (line: number, character: number, length: number) => ({
  start: { line, character },
  end: { line, character: character + length },
});

const GRAPH: GraphResult = {
  workers: [
    {
      name: 'chat',
      config: 'chat/wrangler.jsonc',
      uri: 'file:///w/chat/wrangler.jsonc',
      bindings: [{ name: 'CHAT_ROOM', class: 'ChatRoom', script: null, target: 'chat/wrangler.jsonc', range: at(8, 16, 11) }],
      classes: [
        {
          name: 'ChatRoom',
          storage: 'sqlite',
          state: 'live',
          declared: 'chat/src/chat-room.ts:28',
          uri: 'file:///w/chat/src/chat-room.ts',
          range: at(27, 13, 8),
        },
        { name: 'Old', storage: 'kv', state: 'deleted', declared: null, uri: null, range: null },
      ],
    },
    {
      name: 'lobby',
      config: 'lobby/wrangler.toml',
      uri: 'file:///w/lobby/wrangler.toml',
      bindings: [
        { name: 'ROOMS', class: 'ChatRoom', script: 'chat', target: 'chat/wrangler.jsonc', range: at(6, 8, 7) },
        { name: 'GHOST', class: 'Ghost', script: 'nowhere', target: null, range: at(9, 8, 7) },
      ],
      classes: [],
    },
    {
      name: null,
      config: 'solo/wrangler.toml',
      uri: 'file:///w/solo/wrangler.toml',
      bindings: [{ name: 'S', class: 'Sessions', script: null, target: 'solo/wrangler.toml', range: at(3, 8, 3) }],
      classes: [{ name: 'Sessions', storage: null, state: 'none', declared: null, uri: null, range: null }],
    },
  ],
};

/** Each row as `label`, children indented under it. */
function outline(nodes: MapNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.label}`, ...outline(n.children, depth + 1)]);
}

test('Workers, their bindings, the class each reaches, then the classes no binding reaches', () => {
  assert.deepEqual(outline(buildTree(GRAPH)), [
    'chat',
    '  CHAT_ROOM',
    '    ChatRoom · SQLite · live',
    '  Old · KV (legacy) · deleted',
    'lobby',
    '  ROOMS',
    '    ChatRoom in chat · SQLite · live',
    '  GHOST',
    '    Ghost in nowhere',
    'solo/wrangler.toml',
    '  S',
    '    Sessions · no storage · no lifecycle',
  ]);
});

test('ids are unique, and the same for the same map', () => {
  const ids = (nodes: MapNode[]): string[] => nodes.flatMap((n) => [n.id, ...ids(n.children)]);
  const first = ids(buildTree(GRAPH));
  assert.equal(new Set(first).size, first.length);
  assert.deepEqual(ids(buildTree(structuredClone(GRAPH))), first);
});

test('each row opens its place: a Worker its config, a binding its name there, a class its declaration', () => {
  const [chat, lobby] = buildTree(GRAPH);
  assert.deepEqual(chat.place, { uri: 'file:///w/chat/wrangler.jsonc' });
  assert.deepEqual(chat.children[0].place, { uri: 'file:///w/chat/wrangler.jsonc', range: at(8, 16, 11) });
  const chatRoom = { uri: 'file:///w/chat/src/chat-room.ts', range: at(27, 13, 8) };
  assert.deepEqual(chat.children[0].children[0].place, chatRoom);
  // Across Workers too: the lobby's ROOMS reaches the chat Worker's declaration.
  assert.deepEqual(lobby.children[0].children[0].place, chatRoom);
  assert.equal(lobby.children[0].description, 'script_name chat');
  // Nothing to open: a class without a declaration, a class that is not found.
  assert.equal(chat.children[1].place, undefined);
  assert.equal(lobby.children[1].children[0].kind, 'missing');
  assert.equal(lobby.children[1].children[0].place, undefined);
});
