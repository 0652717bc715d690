import type { HallConfig } from '../config/schema.ts';
import type { TicketView } from '../read-model/hall-view.ts';

/**
 * The texts the hall sends. Chinese only (a resident's phone, not a screen), short: a UCS-2 part
 * holds 67 characters and each part is paid for, so a reply fits two parts. The hall's name comes
 * first in 【】, as operators require of a sender signature.
 */
export class SmsTexts {
  constructor(
    private readonly config: HallConfig,
    private readonly link: (ticketId: string) => string,
  ) {}

  #sign(body: string): string {
    // An operator's gateway adds its own approved signature (`sms.gateway.sign`): one 【】 is enough.
    return this.config.sms?.gateway?.sign ? body : `【${this.config.hall.name}】${body}`;
  }

  #windowName(windowId: number | null): string {
    const w = this.config.windows.find((x) => x.id === windowId);
    return w ? `${w.id}号窗口（${w.name}）` : `${windowId ?? ''}号窗口`;
  }

  taken(t: TicketView): string {
    const cat = t.category?.zh ?? t.categoryId;
    const wait = t.openWindows === 0 ? '暂无窗口受理，请留意' : `预计等候约${t.estimatedWaitMin}分钟`;
    return this.#sign(`您已取号${t.number}（${cat}），前面${t.ahead}人，${wait}。进度：${this.link(t.id)} 回复“查询”看排队，“取消”退号。`);
  }

  status(t: TicketView): string {
    if (t.status === 'called' || t.status === 'serving') return this.#sign(`${t.number}号已叫号，请到${this.#windowName(t.windowId)}办理。`);
    return this.#sign(`${t.number}号前面还有${t.ahead}人，预计约${t.estimatedWaitMin}分钟。进度：${this.link(t.id)}`);
  }

  noTicket(): string {
    return this.#sign('您今天没有排队中的号。回复“取号 业务代码”取号，回复“帮助”看业务代码。');
  }

  cancelled(number: string): string {
    return this.#sign(`${number}号已取消。欢迎再来。`);
  }

  almost(t: TicketView): string {
    return this.#sign(`${t.number}号前面还有${t.ahead}人，请尽快到大厅候叫，过号需重新取号。`);
  }

  called(number: string, windowId: number): string {
    return this.#sign(`请${number}号到${this.#windowName(windowId)}办理。`);
  }

  /** A refusal: the hub's own Chinese message for the error, as the kiosk shows it. */
  refused(message: string): string {
    return this.#sign(`取号未成功：${message}`);
  }

  /** The categories a text can take, by code. Kept to what fits: the codes and short names. */
  help(takeable: readonly { id: string; name: { zh: string } }[]): string {
    const list = takeable.map((c) => `${c.id}${c.name.zh}`).join('、');
    return this.#sign(`短信取号：回复“取号 代码”，如“取号 ${takeable[0]?.id ?? 'SB'}”。${list ? `代码：${list}。` : ''}回复“查询”看排队，“取消”退号。`);
  }

  booked(code: string, slotText: string, category: string): string {
    return this.#sign(`预约成功：${category}，${slotText}，预约码${code}。到场后在自助机输入预约码或刷身份证取号。`);
  }

  bookingEve(code: string, slotText: string, category: string): string {
    return this.#sign(`提醒：您预约了明天${slotText}的${category}，预约码${code}。请带齐材料按时到场。`);
  }

  bookingSoon(code: string, slotText: string, category: string): string {
    return this.#sign(`提醒：您预约的${category}将于${slotText}开始，预约码${code}，请按时到场签到。`);
  }
}
