export class Half extends DurableObject {
  async m() { this.ctx.storage.sql.exec(`SELECT ${