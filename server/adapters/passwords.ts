import argon2 from "argon2";

/** argon2id with OWASP's baseline cost (19 MiB, 2 passes): safe, and quick enough on a small server. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export const argon2Hasher: PasswordHasher = {
  hash: (password) => argon2.hash(password, OPTIONS),
  async verify(hash, password) {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false; // malformed hash: treat as a mismatch, never as a crash
    }
  },
};
