import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What an agent keeps on its own PC, in its data directory (mode 0700): its id and pairing secret
 * (`agent.json`) and, once paired, its token (`token`). Each file 0600, written whole or not at all.
 * Nothing here is Linux-only: the same code runs on a Windows kiosk PC.
 */
export interface AgentIdentity {
  agentId: string;
  secret: string;
}

export class AgentFiles {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  identity(): AgentIdentity {
    const file = join(this.dir, 'agent.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as AgentIdentity;
    const made = { agentId: `ag-${randomBytes(9).toString('base64url')}`, secret: randomBytes(32).toString('base64url') };
    this.#write(file, JSON.stringify(made));
    return made;
  }

  token(): string | null {
    const file = join(this.dir, 'token');
    return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
  }

  saveToken(token: string): void {
    this.#write(join(this.dir, 'token'), token);
  }

  /** After a revocation: a new identity and no token, so the agent asks to be paired afresh. */
  forget(): void {
    rmSync(join(this.dir, 'token'), { force: true });
    rmSync(join(this.dir, 'agent.json'), { force: true });
  }

  #write(file: string, text: string): void {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  }
}
