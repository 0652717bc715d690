import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorsMarkdown } from './error-catalogue.ts';

// npm run docs:errors → docs/errors.md
const file = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
writeFileSync(file, errorsMarkdown());
console.log(`wrote ${file}`);
