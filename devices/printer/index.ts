/**
 * Ticket printer (issue #3): ESC/POS layout, transports, status, print queue and a simulator.
 * See README.md in this folder.
 */
export { renderTicket, DEFAULT_FOOTER, paperColumns, bigTextScale } from './codec/ticket.ts';
export type { TicketPrint, TicketLayoutOptions } from './codec/ticket.ts';
export { blockedReason, statusFromDleEot, statusFromGsR } from './codec/status-decode.ts';
export type { PrinterStatus, DleEotReplies } from './codec/status-decode.ts';
export { EscPosTokenizer } from './codec/escpos-tokenizer.ts';
export type { EscPosOp } from './codec/escpos-tokenizer.ts';
export { ReceiptBuilder } from './codec/receipt-builder.ts';
export type { VirtualReceipt, ReceiptItem, TextRun } from './codec/receipt-builder.ts';

export { TcpTransport } from './transport/tcp-transport.ts';
export type { TcpTransportOptions } from './transport/tcp-transport.ts';
// Shared with the ID-card driver (devices/serial-transport.ts). Its default baudRate is the readers' 115200:
// pass `baudRate` (serial: URIs default to 9600 and always do).
export { SerialTransport } from '../serial-transport.ts';
export type { SerialTransportOptions } from '../serial-transport.ts';
export { FileTransport } from './transport/file-transport.ts';
export type { FileTransportOptions } from './transport/file-transport.ts';
export { parsePrinterUri, transportFromUri } from './transport/from-uri.ts';
export type { PrinterUri } from './transport/from-uri.ts';

export { PrintQueue, PrintJobNotFoundError } from './driver/print-queue.ts';
export { PRINTER_ERRORS, PrinterError, type PrinterErrorCode } from './errors.ts';
export type { PrintQueueOptions, PrinterStatusReport } from './driver/print-queue.ts';
export type { PrintJob, PrintJobState, PrintJobEvent, PrintJobEventType, EnqueueInput, HoldReason } from './driver/print-job.ts';
export { TransportPrinter, printerForEndpoint, printerFromUri } from './driver/printer-device.ts';
export type { PrinterDevice, PrinterSession, TransportPrinterOptions } from './driver/printer-device.ts';
export { queryStatus } from './driver/status-query.ts';
export type { StatusMethod } from './driver/status-query.ts';
// Shared with every driver (devices/scheduler.ts).
export { systemScheduler, ManualScheduler } from '../scheduler.ts';
export type { Scheduler } from '../scheduler.ts';

export { FakeTcpPrinter } from './simulator/fake-tcp-printer.ts';
export type { FakeTcpPrinterOptions } from './simulator/fake-tcp-printer.ts';
export { SimulatedPrinter } from './simulator/simulated-printer.ts';
export { renderPng } from './simulator/render-png.ts';
export type { RenderPngOptions } from './simulator/render-png.ts';
