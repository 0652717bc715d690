import { PNG } from 'pngjs';

/**
 * The hub's `/favicon.ico`: a 32×32 queue ticket in the hall's blue, drawn in code (no binary in the
 * repo) and wrapped as an ICO with one PNG image, which every current browser reads.
 */
export function faviconIco(): Buffer {
  const size = 32;
  const png = new PNG({ width: size, height: size });
  const blue = [0x0b, 0x4f, 0x9c];
  const white = [0xff, 0xff, 0xff];
  const set = (x: number, y: number, [r, g, b]: number[], a = 255) => {
    const i = (y * size + x) * 4;
    png.data[i] = r!;
    png.data[i + 1] = g!;
    png.data[i + 2] = b!;
    png.data[i + 3] = a;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // A rounded blue square…
      const dx = Math.max(0, Math.abs(x - 15.5) - 11.5);
      const dy = Math.max(0, Math.abs(y - 15.5) - 11.5);
      const inside = dx * dx + dy * dy <= 16;
      set(x, y, blue, inside ? 255 : 0);
      // …holding a white ticket with a torn edge and three printed lines.
      const ticket = x >= 9 && x <= 22 && y >= 6 && y <= 25 && !(y === 25 && x % 2 === 0);
      const line = (y === 11 || y === 15 || y === 19) && x >= 12 && x <= 19;
      if (ticket && !line) set(x, y, white);
    }
  }
  const image = PNG.sync.write(png);
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6);
  header.writeUInt8(size, 7);
  header.writeUInt8(0, 8); // no palette
  header.writeUInt8(0, 9);
  header.writeUInt16LE(1, 10); // planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(22, 18); // offset of the image
  return Buffer.concat([header, image]);
}
