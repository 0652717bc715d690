import { PrinterTypes, ThermalPrinter } from 'node-thermal-printer';

/**
 * A node-thermal-printer instance used only as a byte builder: its interface is an object that refuses to
 * send, so nothing here can open a socket or a file. Bytes go out through our own transports.
 */
export function bufferOnlyPrinter(width: number): ThermalPrinter {
  const refuse = {
    isPrinterConnected: async (): Promise<boolean> => false,
    execute: async (): Promise<never> => {
      throw new Error('bufferOnlyPrinter: take getBuffer() and write it through a ByteTransport');
    },
  };
  return new ThermalPrinter({
    type: PrinterTypes.EPSON,
    // The library accepts any object with execute()/isPrinterConnected() (lib/interfaces/index.js), but its
    // .d.ts types `interface` as string: the one cast.
    interface: refuse as unknown as string,
    width,
    // No characterSet: the library would send ESC R 0x0F and hop code pages per character. Chinese text goes
    // in as GB18030 Buffers after FS & instead.
  });
}
