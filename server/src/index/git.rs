//! A file's committed text, read from the git repository that holds it.
//!
//! The objects are read in process with `gix` (gitoxide): no `git` process is started and
//! nothing goes over the network. Repositories are opened *isolated*: only the repository's own
//! configuration counts (no system or user config, no `GIT_*` environment variables, no include
//! files), so the answer depends on the repository alone. Not supported, each an `Err` that says
//! so: the reftable ref format and SHA-256 repositories (the `sha256` feature is off).
//!
//! The repository that holds a file is found as git finds it: walking up from the file's folder
//! to the first folder with a `.git` entry. A `.git` folder that is not a repository is passed
//! over (git does the same); a `.git` *file* (a linked worktree, a submodule) must point at a
//! repository, or the repository is broken. Discovery does not stop at file system boundaries
//! and ignores `GIT_DIR`, `GIT_CEILING_DIRECTORIES` and the like.
//!
//! The text is the blob as committed: no checkout filters run (no end-of-line conversion, no
//! smudge filter), so with `core.autocrlf` a working tree file may have CRLF where the committed
//! text has LF. It is decoded as files on disk are ([`decode`]): lossy UTF-8, no byte-order mark,
//! binary files and files over [`MAX_FILE_BYTES`] refused.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::discover::{decode, ReadError, MAX_FILE_BYTES};

/// Why a committed text, a commit id or a merge base could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// The revision names no commit of the repository: an unknown or ambiguous name, or an
    /// object that is not a commit (a tree, a blob).
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// Why, in one line.
        reason: String,
    },
    /// The repository cannot be opened or read: a `.git` file that points nowhere, a missing or
    /// corrupt object, an unreadable configuration.
    Repository {
        /// Its `.git` file or folder.
        path: PathBuf,
        /// Why, in one line.
        reason: String,
    },
    /// The committed file is refused as it would be on disk: too large, or binary.
    Read(ReadError),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::UnknownRevision { rev, reason } => write!(f, "unknown git revision `{rev}`: {reason}"),
            GitError::Repository { path, reason } => write!(f, "broken git repository {}: {reason}", path.display()),
            GitError::Read(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for GitError {}

/// The text of the file at `path` (absolute and canonical) in the commit `rev` names (`HEAD`,
/// a branch, a remote branch such as `origin/main`, a tag, a full or short commit id, or any
/// other revision git's `rev-parse` reads that names one commit) in the repository that holds
/// `path`.
///
/// `Ok(None)`: the file is not in that commit (new, untracked, or there as a folder, a symbolic
/// link or a submodule), `path` is in no repository (or is relative), or `rev` is `HEAD` and no
/// commit exists yet (an unborn branch: every file is new). `Err`: `rev` names no commit, the
/// repository is broken, or the committed file is too large or binary.
///
/// Unlike `git`, a repository owned by another user is read (git refuses it unless it is a
/// `safe.directory`): only objects and refs are read, nothing its configuration names is run.
pub fn committed_text(path: &Path, rev: &str) -> Result<Option<String>, GitError> {
    let Some(found) = locate(path)? else { return Ok(None) };
    let Some(commit) = found.resolve(rev)? else { return Ok(None) };
    found.text_at(commit)
}

/// The id (full hexadecimal) of the commit `HEAD` points at in the repository that holds
/// `path`: what a cache of [`committed_text`] for `HEAD` is keyed by. `None` outside git, on an
/// unborn branch, or when the repository cannot be read.
pub fn head_id(path: &Path) -> Option<String> {
    let found = locate(path).ok()??;
    let commit = found.repo.head_commit().ok()?;
    Some(commit.id.to_string())
}

/// The id (full hexadecimal) of the commit `rev` names in the repository that holds `path`.
///
/// `Ok(None)`: `path` is in no repository, or `rev` is `HEAD` on an unborn branch. `Err`: `rev`
/// names no commit, or the repository is broken.
pub fn commit_id(path: &Path, rev: &str) -> Result<Option<String>, GitError> {
    let Some(found) = locate(path)? else { return Ok(None) };
    Ok(found.resolve(rev)?.map(|id| id.to_string()))
}

/// The id of the best common ancestor of the commits `a` and `b` name, in the repository that
/// holds `path` (git's `merge-base a b`; when several are equally good, one of them).
///
/// `Ok(None)`: `path` is in no repository, or the two histories share no commit. `Err`: either
/// revision names no commit, or the repository is broken.
pub fn merge_base(path: &Path, a: &str, b: &str) -> Result<Option<String>, GitError> {
    let Some(found) = locate(path)? else { return Ok(None) };
    let first = found.resolve_commit(a)?;
    let second = found.resolve_commit(b)?;
    let base = found.repo.merge_base(first, second).map_err(|e| found.broken(&e))?;
    Ok(base.map(|id| id.to_string()))
}

/// Committed texts by file and commit. A commit never changes, so an entry is never stale: each
/// [`CommittedTexts::get`] resolves `rev` again (cheap: a few small files) and reads the tree and
/// the blob only for a file and commit not seen before. Errors are not kept. The texts kept add
/// up to at most [`CommittedTexts::MAX_BYTES`]; past that the cache starts over.
#[derive(Debug, Default)]
pub struct CommittedTexts {
    texts: FxHashMap<(PathBuf, gix::ObjectId), Option<Arc<str>>>,
    bytes: usize,
}

impl CommittedTexts {
    /// The most text bytes kept at once.
    pub const MAX_BYTES: usize = 64 * 1024 * 1024;

    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// [`committed_text`], from the cache when this file was read at this commit before.
    pub fn get(&mut self, path: &Path, rev: &str) -> Result<Option<Arc<str>>, GitError> {
        let Some(found) = locate(path)? else { return Ok(None) };
        let Some(commit) = found.resolve(rev)? else { return Ok(None) };
        let key = (path.to_path_buf(), commit);
        if let Some(text) = self.texts.get(&key) {
            return Ok(text.clone());
        }
        let text: Option<Arc<str>> = found.text_at(commit)?.map(Arc::from);
        let size = text.as_deref().map_or(0, str::len);
        if self.bytes + size > Self::MAX_BYTES {
            self.clear();
        }
        self.bytes += size;
        self.texts.insert(key, text.clone());
        Ok(text)
    }

    /// The number of (file, commit) pairs kept.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.texts.clear();
        self.bytes = 0;
    }
}

/// The repository that holds a file, and the file's path in it.
struct Found {
    repo: gix::Repository,
    /// The `.git` file or folder the repository was found by, for messages.
    dot_git: PathBuf,
    /// The file's path relative to the top folder of its working tree.
    relative: PathBuf,
}

/// Finds the repository that holds `path`, walking up from its folder as git does.
fn locate(path: &Path) -> Result<Option<Found>, GitError> {
    // A relative path would be looked up from the current folder: whose repository is that?
    let Some(dir) = path.parent().filter(|_| path.is_absolute()) else { return Ok(None) };
    for top in dir.ancestors() {
        let dot_git = top.join(gix::discover::DOT_GIT_DIR);
        // Follows a symbolic link; a missing or unreadable `.git` is no repository here.
        let Ok(meta) = std::fs::metadata(&dot_git) else { continue };
        // A `.git` folder that is no repository is passed over, as git does. A `.git` file must
        // point at a repository: opening it says why not.
        if meta.is_dir() && gix::discover::is_git(&dot_git).is_err() {
            continue;
        }
        let repo = gix::open_opts(&dot_git, gix::open::Options::isolated())
            .map_err(|e| GitError::Repository { path: dot_git.clone(), reason: one_line(&e) })?;
        let Ok(relative) = path.strip_prefix(top) else { return Ok(None) };
        return Ok(Some(Found { repo, relative: relative.to_path_buf(), dot_git }));
    }
    Ok(None)
}

impl Found {
    /// The commit `rev` names; `None` when `rev` is `HEAD` on an unborn branch.
    fn resolve(&self, rev: &str) -> Result<Option<gix::ObjectId>, GitError> {
        match self.resolve_commit(rev) {
            Ok(id) => Ok(Some(id)),
            Err(err) => {
                let unborn = self.repo.head().is_ok_and(|head| head.is_unborn());
                if unborn && (rev == "HEAD" || rev == "@") {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// The commit `rev` names, through annotated tags.
    fn resolve_commit(&self, rev: &str) -> Result<gix::ObjectId, GitError> {
        let unknown = |reason: String| GitError::UnknownRevision { rev: rev.to_owned(), reason };
        let id = self.repo.rev_parse_single(rev).map_err(|e| unknown(one_line(&e)))?;
        let object = id.object().map_err(|e| self.broken(&e))?.peel_tags_to_end().map_err(|e| self.broken(&e))?;
        match object.kind {
            gix::object::Kind::Commit => Ok(object.id),
            kind => Err(unknown(format!("it names a {kind}, not a commit"))),
        }
    }

    /// The text of the file in `commit`.
    fn text_at(&self, commit: gix::ObjectId) -> Result<Option<String>, GitError> {
        let repo = &self.repo;
        let tree = repo.find_commit(commit).and_then(|c| c.tree()).map_err(|e| self.broken(&e))?;
        let Some(entry) = tree.lookup_entry_by_path(&self.relative).map_err(|e| self.broken(&e))? else {
            return Ok(None);
        };
        // A folder, a symbolic link or a submodule where the file is now: the file is new.
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let id = entry.object_id();
        // The size first, so a large blob is refused without inflating it.
        let size = repo.find_header(id).map_err(|e| self.broken(&e))?.size();
        if size > MAX_FILE_BYTES {
            return Err(GitError::Read(ReadError::TooLarge(size)));
        }
        let mut blob = repo.find_blob(id).map_err(|e| self.broken(&e))?;
        decode(blob.take_data()).map(Some).map_err(GitError::Read)
    }

    /// A read of the repository failed.
    fn broken(&self, err: &(dyn std::error::Error + 'static)) -> GitError {
        GitError::Repository { path: self.dot_git.clone(), reason: one_line(err) }
    }
}

/// An error and its causes on one line, `: ` between them, repeats and gitoxide's class markers
/// (`NotFound`, a category rather than a cause) left out.
fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(err) = next {
        if !err.is::<gix::error::ClassificationMarker>() {
            let text = err.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() && !parts.iter().any(|part| part.contains(&text)) {
                parts.push(text);
            }
        }
        next = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::Command;

    /// True when the `git` binary can set up the test repositories; otherwise says the test is
    /// skipped, on the real stderr (libtest hides `eprintln!` of a passing test).
    fn have_git(test: &str) -> bool {
        let found = Command::new("git").arg("--version").output().is_ok_and(|out| out.status.success());
        if !found {
            let _ = writeln!(std::io::stderr(), "skipped {test}: git is not installed (apt-get install git)");
        }
        found
    }

    /// Runs `git args...` in `dir` with no user or system config; its trimmed stdout.
    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
            .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "protocol.file.allow=always"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap_or_else(|e| panic!("git {args:?}: {e}"));
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Writes `bytes` at `dir/rel`, making the folders.
    fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Commits everything in `dir`; the new commit's id.
    fn commit_all(dir: &Path, message: &str) -> String {
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", message]);
        git(dir, &["rev-parse", "HEAD"])
    }

    /// A canonical temporary folder (on some systems the temporary folder is a symbolic link).
    fn temp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        (dir, root)
    }

    /// A new repository in `root/name` with `src/index.ts` committed twice (`one`, then `two`),
    /// a nested file, a lightweight tag `v1` and an annotated tag `a1` on the first commit.
    /// The ids of the two commits.
    fn sample_repo(root: &Path, name: &str) -> (PathBuf, String, String) {
        let repo = root.join(name);
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        write(&repo, "src/index.ts", "export const v = 'one';\n");
        write(&repo, "src/deep/er/mod.ts", "export {};\n");
        let first = commit_all(&repo, "first");
        git(&repo, &["tag", "v1"]);
        git(&repo, &["tag", "-a", "a1", "-m", "annotated"]);
        write(&repo, "src/index.ts", "export const v = 'two';\n");
        let second = commit_all(&repo, "second");
        (repo, first, second)
    }

    fn text(path: &Path, rev: &str) -> Option<String> {
        committed_text(path, rev).unwrap_or_else(|e| panic!("{} at {rev}: {e}", path.display()))
    }

    #[test]
    fn reads_the_file_at_each_kind_of_revision() {
        if !have_git("reads_the_file_at_each_kind_of_revision") {
            return;
        }
        let (_dir, root) = temp();
        let (repo, first, second) = sample_repo(&root, "repo");
        let index = repo.join("src/index.ts");
        // The working tree moves on: committed texts do not.
        write(&repo, "src/index.ts", "export const v = 'edited';\n");
        let untracked = write(&repo, "src/new.ts", "export {};\n");
        let one = Some("export const v = 'one';\n".to_owned());
        let two = Some("export const v = 'two';\n".to_owned());
        let check = |label: &str| {
            assert_eq!(text(&index, "HEAD"), two, "{label}");
            assert_eq!(text(&index, "@"), two, "{label}");
            assert_eq!(text(&index, "main"), two, "{label}");
            assert_eq!(text(&index, "refs/heads/main"), two, "{label}");
            assert_eq!(text(&index, &second), two, "{label}");
            assert_eq!(text(&index, "HEAD~1"), one, "{label}");
            assert_eq!(text(&index, "v1"), one, "{label}");
            assert_eq!(text(&index, "a1"), one, "{label}");
            assert_eq!(text(&index, &first), one, "{label}");
            assert_eq!(text(&index, &first[..7]), one, "{label}");
            assert_eq!(text(&repo.join("src/deep/er/mod.ts"), "v1"), Some("export {};\n".to_owned()), "{label}");
            // New and untracked files, and a path that is a folder in the commit.
            assert_eq!(text(&untracked, "HEAD"), None, "{label}");
            assert_eq!(text(&repo.join("src/deep"), "HEAD"), None, "{label}");
            assert_eq!(text(&repo.join("missing/x.ts"), "HEAD"), None, "{label}");
            assert_eq!(head_id(&index), Some(second.clone()), "{label}");
        };
        check("loose objects");
        // Packed objects and packed refs read the same.
        git(&repo, &["gc", "-q", "--aggressive", "--prune=now"]);
        git(&repo, &["pack-refs", "--all"]);
        assert!(!repo.join(".git/refs/tags/v1").exists());
        check("packed");
    }

    #[test]
    fn unknown_revisions_are_errors() {
        if !have_git("unknown_revisions_are_errors") {
            return;
        }
        let (_dir, root) = temp();
        let (repo, _, _) = sample_repo(&root, "repo");
        let index = repo.join("src/index.ts");
        for rev in ["nope", "origin/main", "HEAD~5", "0123456789abcdef0123456789abcdef01234567", "main..HEAD", "--all"]
        {
            match committed_text(&index, rev) {
                Err(err @ GitError::UnknownRevision { .. }) => {
                    let message = err.to_string();
                    assert!(message.starts_with(&format!("unknown git revision `{rev}`: ")), "{message}");
                    assert!(!message.contains('\n'), "{message}");
                }
                other => panic!("{rev}: {other:?}"),
            }
        }
        // A revision that names a tree or a blob names no commit.
        for rev in ["HEAD^{tree}", "HEAD:src/index.ts"] {
            let err = committed_text(&index, rev).unwrap_err();
            assert!(matches!(err, GitError::UnknownRevision { .. }), "{rev}: {err:?}");
            assert!(err.to_string().contains("not a commit"), "{err}");
        }
    }

    #[test]
    fn remote_branches_of_a_clone() {
        if !have_git("remote_branches_of_a_clone") {
            return;
        }
        let (_dir, root) = temp();
        let (origin, _, second) = sample_repo(&root, "origin");
        git(&root, &["clone", "-q", origin.to_str().unwrap(), "clone"]);
        let clone = root.join("clone");
        write(&clone, "src/index.ts", "export const v = 'three';\n");
        let third = commit_all(&clone, "third");
        let index = clone.join("src/index.ts");
        assert_eq!(text(&index, "HEAD"), Some("export const v = 'three';\n".to_owned()));
        for rev in ["origin/main", "origin/HEAD", "refs/remotes/origin/main", second.as_str()] {
            assert_eq!(text(&index, rev), Some("export const v = 'two';\n".to_owned()), "{rev}");
        }
        assert_eq!(head_id(&index), Some(third));
        // A detached HEAD (as CI checkouts have).
        git(&clone, &["checkout", "-q", "--detach", "HEAD~1"]);
        assert_eq!(text(&index, "HEAD"), Some("export const v = 'two';\n".to_owned()));
        assert_eq!(head_id(&index), Some(second));
        assert_eq!(text(&index, "main"), Some("export const v = 'three';\n".to_owned()));
    }

    #[test]
    fn linked_worktrees_have_their_own_head() {
        if !have_git("linked_worktrees_have_their_own_head") {
            return;
        }
        let (_dir, root) = temp();
        let (repo, _, second) = sample_repo(&root, "repo");
        git(&repo, &["worktree", "add", "-q", "-b", "feature", "../wt"]);
        let wt = root.join("wt");
        assert!(wt.join(".git").is_file());
        write(&wt, "src/index.ts", "export const v = 'feature';\n");
        let feature = commit_all(&wt, "feature");
        let index = wt.join("src/index.ts");
        assert_eq!(text(&index, "HEAD"), Some("export const v = 'feature';\n".to_owned()));
        assert_eq!(text(&index, "main"), Some("export const v = 'two';\n".to_owned()));
        assert_eq!(text(&index, "v1"), Some("export const v = 'one';\n".to_owned()));
        assert_eq!(head_id(&index), Some(feature.clone()));
        // The main working tree still has its own HEAD, and sees the worktree's branch.
        let main_index = repo.join("src/index.ts");
        assert_eq!(head_id(&main_index), Some(second));
        assert_eq!(text(&main_index, "HEAD"), Some("export const v = 'two';\n".to_owned()));
        assert_eq!(text(&main_index, "feature"), Some("export const v = 'feature';\n".to_owned()));
        assert_eq!(text(&main_index, &feature), Some("export const v = 'feature';\n".to_owned()));
    }

    #[test]
    fn unborn_head_and_no_repository() {
        if !have_git("unborn_head_and_no_repository") {
            return;
        }
        let (_dir, root) = temp();
        // A repository with no commit yet: every file is new.
        let repo = root.join("fresh");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        let file = write(&repo, "src/index.ts", "export {};\n");
        git(&repo, &["add", "-A"]);
        assert_eq!(committed_text(&file, "HEAD"), Ok(None));
        assert_eq!(committed_text(&file, "@"), Ok(None));
        assert_eq!(head_id(&file), None);
        assert!(matches!(committed_text(&file, "main"), Err(GitError::UnknownRevision { .. })));
        assert!(matches!(merge_base(&file, "HEAD", "HEAD"), Err(GitError::UnknownRevision { .. })));
        // A folder in no repository (unless the temporary folder itself is inside one).
        if root.ancestors().any(|dir| dir.join(".git").exists()) {
            let _ =
                writeln!(std::io::stderr(), "skipped the no-repository case: {} is in a repository", root.display());
            return;
        }
        let outside = write(&root, "plain/src/index.ts", "export {};\n");
        assert_eq!(committed_text(&outside, "HEAD"), Ok(None));
        assert_eq!(committed_text(&outside, "nope"), Ok(None));
        assert_eq!(head_id(&outside), None);
        assert_eq!(merge_base(&outside, "HEAD", "main"), Ok(None));
        // A relative path is in no repository (rather than in the current folder's).
        assert_eq!(committed_text(Path::new("server/src/lib.rs"), "HEAD"), Ok(None));
        assert_eq!(head_id(Path::new("src/lib.rs")), None);
    }

    #[test]
    fn decoded_like_files_on_disk() {
        if !have_git("decoded_like_files_on_disk") {
            return;
        }
        let (_dir, root) = temp();
        let repo = root.join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        let lossy = write(&repo, "lossy.ts", b"\xef\xbb\xbfconst a = '\xff\xfe';\r\n");
        let large = write(&repo, "large.js", vec![b'x'; MAX_FILE_BYTES as usize + 1]);
        let limit = write(&repo, "limit.js", vec![b'y'; MAX_FILE_BYTES as usize]);
        let binary = write(&repo, "binary.ts", b"a\0b");
        let empty = write(&repo, "empty.ts", b"");
        commit_all(&repo, "files");
        // Invalid UTF-8 is replaced, the byte-order mark dropped, line ends kept.
        assert_eq!(text(&lossy, "HEAD"), Some("const a = '\u{fffd}\u{fffd}';\r\n".to_owned()));
        assert_eq!(text(&limit, "HEAD").map(|t| t.len()), Some(MAX_FILE_BYTES as usize));
        assert_eq!(committed_text(&large, "HEAD"), Err(GitError::Read(ReadError::TooLarge(MAX_FILE_BYTES + 1))));
        assert_eq!(committed_text(&binary, "HEAD"), Err(GitError::Read(ReadError::Binary)));
        assert_eq!(text(&empty, "HEAD"), Some(String::new()));
        // The same when packed (the size then comes from the pack).
        git(&repo, &["gc", "-q", "--prune=now"]);
        assert_eq!(committed_text(&large, "HEAD"), Err(GitError::Read(ReadError::TooLarge(MAX_FILE_BYTES + 1))));
        assert_eq!(text(&lossy, "HEAD"), Some("const a = '\u{fffd}\u{fffd}';\r\n".to_owned()));
    }

    #[test]
    fn files_that_were_something_else() {
        if !have_git("files_that_were_something_else") {
            return;
        }
        let (_dir, root) = temp();
        let repo = root.join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        write(&repo, "lib", "a file, not a folder\n");
        write(&repo, "index.ts", "export {};\n");
        #[cfg(unix)]
        std::os::unix::fs::symlink("index.ts", repo.join("link.ts")).unwrap();
        commit_all(&repo, "first");
        std::fs::remove_file(repo.join("lib")).unwrap();
        let nested = write(&repo, "lib/x.ts", "export {};\n");
        assert_eq!(text(&nested, "HEAD"), None);
        #[cfg(unix)]
        {
            std::fs::remove_file(repo.join("link.ts")).unwrap();
            let link = write(&repo, "link.ts", "export {};\n");
            assert_eq!(text(&link, "HEAD"), None);
        }
    }

    #[test]
    fn discovery_is_gits() {
        if !have_git("discovery_is_gits") {
            return;
        }
        let (_dir, root) = temp();
        let (repo, _, _) = sample_repo(&root, "repo");
        // A `.git` folder that is no repository is passed over.
        std::fs::create_dir_all(repo.join("src/deep/.git")).unwrap();
        assert_eq!(git(&repo.join("src/deep"), &["rev-parse", "--show-toplevel"]), repo.to_str().unwrap());
        assert_eq!(text(&repo.join("src/deep/er/mod.ts"), "HEAD"), Some("export {};\n".to_owned()));
        // A nested repository holds its own files.
        let inner = repo.join("vendor/inner");
        std::fs::create_dir_all(&inner).unwrap();
        git(&inner, &["init", "-q"]);
        let file = write(&inner, "src/index.ts", "export const inner = 1;\n");
        let inner_head = commit_all(&inner, "inner");
        assert_eq!(text(&file, "HEAD"), Some("export const inner = 1;\n".to_owned()));
        assert_eq!(head_id(&file), Some(inner_head));
        assert!(matches!(committed_text(&file, "v1"), Err(GitError::UnknownRevision { .. })));
    }

    #[test]
    fn git_files_that_point_elsewhere() {
        if !have_git("git_files_that_point_elsewhere") {
            return;
        }
        let (_dir, root) = temp();
        // A repository whose git folder lives elsewhere: `.git` is a file naming it.
        let (lib, _, lib_head) = sample_repo(&root, "lib");
        let repo = root.join("app");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q", "--separate-git-dir", root.join("store.git").to_str().unwrap()]);
        assert!(repo.join(".git").is_file());
        let file = write(&repo, "src/index.ts", "export const app = 1;\n");
        commit_all(&repo, "app");
        assert_eq!(text(&file, "HEAD"), Some("export const app = 1;\n".to_owned()));
        // A submodule: its files belong to its own repository (`.git` file into the parent's
        // `.git/modules`), not to the parent, whose tree holds a commit there.
        git(&repo, &["submodule", "add", "-q", lib.to_str().unwrap(), "vendor/lib"]);
        commit_all(&repo, "submodule");
        let sub = repo.join("vendor/lib/src/index.ts");
        assert!(repo.join("vendor/lib/.git").is_file());
        assert_eq!(text(&sub, "HEAD"), Some("export const v = 'two';\n".to_owned()));
        assert_eq!(text(&sub, "v1"), Some("export const v = 'one';\n".to_owned()));
        assert_eq!(head_id(&sub), Some(lib_head));
        assert_eq!(text(&repo.join("vendor/lib"), "HEAD"), None);
    }

    /// Gives `path` and everything under it to `uid`.
    #[cfg(unix)]
    fn chown_all(path: &Path, uid: u32) -> std::io::Result<()> {
        std::os::unix::fs::lchown(path, Some(uid), Some(uid))?;
        if std::fs::symlink_metadata(path)?.is_dir() {
            for entry in std::fs::read_dir(path)? {
                chown_all(&entry?.path(), uid)?;
            }
        }
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn repositories_of_other_users_are_read() {
        if !have_git("repositories_of_other_users_are_read") {
            return;
        }
        let (_dir, root) = temp();
        let (repo, _, second) = sample_repo(&root, "repo");
        // `nobody`; only root may give files away.
        if let Err(err) = chown_all(&repo, 65534) {
            let _ = writeln!(std::io::stderr(), "skipped repositories_of_other_users_are_read: chown: {err}");
            return;
        }
        let index = repo.join("src/index.ts");
        assert_eq!(text(&index, "HEAD"), Some("export const v = 'two';\n".to_owned()));
        assert_eq!(head_id(&index), Some(second));
        // Given back, so the temporary folder can be removed by its owner.
        chown_all(&repo, std::fs::metadata(&root).map(|m| std::os::unix::fs::MetadataExt::uid(&m)).unwrap()).unwrap();
    }

    #[test]
    fn broken_repositories_are_errors() {
        if !have_git("broken_repositories_are_errors") {
            return;
        }
        let (_dir, root) = temp();
        // A `.git` file that points nowhere (a worktree whose repository is gone).
        let dangling = root.join("dangling");
        let file = write(&dangling, "src/index.ts", "export {};\n");
        write(&dangling, ".git", format!("gitdir: {}\n", root.join("gone/.git/worktrees/x").display()));
        match committed_text(&file, "HEAD") {
            Err(err @ GitError::Repository { .. }) => {
                assert!(err.to_string().starts_with("broken git repository "), "{err}");
                assert!(!err.to_string().contains('\n'), "{err}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(head_id(&file), None);
        // A blob missing from the object database.
        let (repo, _, _) = sample_repo(&root, "repo");
        let blob = git(&repo, &["rev-parse", "HEAD:src/index.ts"]);
        std::fs::remove_file(repo.join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
        let index = repo.join("src/index.ts");
        match committed_text(&index, "HEAD") {
            Err(err @ GitError::Repository { .. }) => assert!(!err.to_string().contains('\n'), "{err}"),
            other => panic!("{other:?}"),
        }
        // The other files of that commit still read.
        assert_eq!(text(&repo.join("src/deep/er/mod.ts"), "HEAD"), Some("export {};\n".to_owned()));
        assert_eq!(text(&index, "v1"), Some("export const v = 'one';\n".to_owned()));
    }

    #[test]
    fn merge_base_of_two_branches() {
        if !have_git("merge_base_of_two_branches") {
            return;
        }
        let (_dir, root) = temp();
        let (repo, first, second) = sample_repo(&root, "repo");
        let index = repo.join("src/index.ts");
        git(&repo, &["switch", "-q", "-c", "feature", "v1"]);
        write(&repo, "src/feature.ts", "export {};\n");
        commit_all(&repo, "feature");
        let expected = git(&repo, &["merge-base", "main", "feature"]);
        assert_eq!(expected, first);
        assert_eq!(merge_base(&index, "main", "feature"), Ok(Some(first.clone())));
        assert_eq!(merge_base(&index, "HEAD", "main"), Ok(Some(first.clone())));
        assert_eq!(merge_base(&index, "a1", "main"), Ok(Some(first.clone())));
        assert_eq!(merge_base(&index, "main", &second), Ok(Some(second.clone())));
        // Histories with no commit in common.
        git(&repo, &["switch", "-q", "--orphan", "other"]);
        write(&repo, "other.ts", "export {};\n");
        commit_all(&repo, "other");
        assert_eq!(merge_base(&index, "other", "main"), Ok(None));
        assert!(matches!(merge_base(&index, "main", "nope"), Err(GitError::UnknownRevision { .. })));
    }

    #[test]
    fn the_cache_follows_the_revision() {
        if !have_git("the_cache_follows_the_revision") {
            return;
        }
        let (_dir, root) = temp();
        let (repo, _, _) = sample_repo(&root, "repo");
        let index = repo.join("src/index.ts");
        let mut cache = CommittedTexts::new();
        assert!(cache.is_empty());
        let two: Option<Arc<str>> = Some(Arc::from("export const v = 'two';\n"));
        assert_eq!(cache.get(&index, "HEAD"), Ok(two.clone()));
        assert_eq!(cache.get(&index, "main"), Ok(two.clone()));
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get(&index, "v1"), Ok(Some(Arc::from("export const v = 'one';\n"))));
        assert_eq!(cache.get(&repo.join("src/new.ts"), "HEAD"), Ok(None));
        assert_eq!(cache.len(), 3);
        // A new commit moves HEAD: the cache reads the new text.
        write(&repo, "src/index.ts", "export const v = 'three';\n");
        commit_all(&repo, "third");
        assert_eq!(cache.get(&index, "HEAD"), Ok(Some(Arc::from("export const v = 'three';\n"))));
        assert_eq!(cache.get(&index, "HEAD~1"), Ok(two));
        assert!(matches!(cache.get(&index, "nope"), Err(GitError::UnknownRevision { .. })));
        assert_eq!(cache.len(), 4);
        cache.clear();
        assert!(cache.is_empty());
    }
}

/// For tests that build a repository: runs the `git` program (tests may; the server never does).
#[cfg(test)]
pub(crate) mod test_repo {
    use std::path::Path;
    use std::process::Command;

    /// Runs `git args...` in `dir`, isolated from the user's and the system's git config, with
    /// fixed dates (so commit ids are the same on every run); `false` when git is not installed
    /// (the caller's test then says it is skipped).
    pub(crate) fn git(dir: &Path, args: &[&str]) -> bool {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .env_remove("GIT_DIR")
            .output();
        match out {
            Ok(out) => {
                assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
                true
            }
            Err(_) => {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "skipped a test that needs git: git is not installed");
                false
            }
        }
    }
}
