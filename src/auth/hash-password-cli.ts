import { hashPassword } from './passwords.ts';

// Usage: npm run hash-password -- '<password>'  → paste the line into staff[].passwordHash
const password = process.argv[2];
if (!password || password.length < 8) {
  console.error('用法 / usage: npm run hash-password -- "<password of 8+ characters>"');
  process.exit(2);
}
console.log(await hashPassword(password));
