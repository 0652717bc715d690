/** `h('02 03 01')` → Buffer; spaces and line breaks ignored. */
export function h(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** Buffer → `02 03 01` (upper case), for readable failures. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');
}
