import type { TicketPrint } from './codec/ticket.ts';

/** A ticket as the hub would send it; tests and the demo share it. */
export const sampleTicket: TicketPrint = {
  hallName: '西湖区便民服务中心',
  number: 'A012',
  categoryName: '社保医保',
  ahead: 5,
  estimatedWaitMin: 18,
  issuedAt: Date.UTC(2024, 4, 1, 1, 30), // 09:30 in Shanghai
  timeZone: 'Asia/Shanghai',
  holderNameMasked: '张*三',
  statusUrl: 'http://hub:3000/t/01HX3Q4ZK8',
  priorityLabel: null,
};
