/**
 * The one catalogue of hallq errors. Codes are never reused; a retired code stays listed as retired.
 * Messages are bilingual and say what was wrong and what to do. No HTTP status here: the API maps codes.
 */
export const ERRORS = {
  // Input
  HQ_ERR_VALIDATION: { zh: '请求内容不正确', en: 'The request is malformed' },
  HQ_ERR_NOT_FOUND: { zh: '找不到该资源，请检查地址', en: 'Not found; check the address' },
  HQ_ERR_IDEMPOTENCY_KEY_REUSED: {
    zh: '该 Idempotency-Key 已用于另一个请求，请为新请求使用新的键',
    en: 'This Idempotency-Key was used for a different request; use a new key for a new request',
  },
  // Auth
  HQ_ERR_AUTH_REQUIRED: { zh: '请先登录或提供设备令牌', en: 'Log in or present a device token first' },
  HQ_ERR_AUTH_FAILED: { zh: '工号或密码错误', en: 'Wrong job number or password' },
  HQ_ERR_FORBIDDEN: { zh: '您无权执行此操作', en: 'You are not allowed to do this' },
  HQ_ERR_NOT_SIGNED_IN: {
    zh: '该窗口由其他工作人员签到，请先签到（B角可接替）',
    en: 'Another clerk is signed in at this window; sign in first (the B clerk may take over)',
  },
  HQ_ERR_TOO_MANY_REQUESTS: {
    zh: '操作过于频繁，请稍候再试',
    en: 'Too many requests; wait a moment and try again',
  },
  HQ_ERR_SAME_ORIGIN_REQUIRED: {
    zh: '请在本系统的页面上操作(请求缺少同源标识)',
    en: "Use the hub's own pages: this request carries no same-origin proof",
  },
  HQ_ERR_NOT_YOUR_WINDOW: {
    zh: '您不是该窗口的A角或B角，只能操作自己的窗口',
    en: 'You are not the A or B clerk of this window; act only on your own window',
  },
  // Tickets
  HQ_ERR_CATEGORY_UNKNOWN: { zh: '没有这个业务类别，请重新选择', en: 'No such business category; choose again' },
  HQ_ERR_CATEGORY_CLOSED: { zh: '该业务当前不在办理时间', en: 'This business is not open now' },
  HQ_ERR_QUOTA_REACHED: { zh: '该业务今日号源已满，请改日再来或预约', en: "Today's tickets for this business are gone; come another day or book" },
  HQ_ERR_ID_CARD_REQUIRED: { zh: '该业务需刷身份证取号，请将身份证放在读卡区', en: 'This business needs your ID card; place it on the reader' },
  HQ_ERR_ONE_PER_ID: {
    zh: '您今天已取过该业务的号，请留意叫号',
    en: 'You already have a ticket for this business today; watch for your call',
  },
  HQ_ERR_WAIT_PAST_CLOSING: {
    zh: '预计等候将超过今日下班时间，请改日再来或预约',
    en: 'The wait would run past closing time today; come another day or book',
  },
  HQ_ERR_PRIORITY_GROUP_UNKNOWN: { zh: '没有这个优先人群，请重新选择', en: 'No such priority group; choose again' },
  HQ_ERR_PRIORITY_GROUP_NOT_ALLOWED: {
    zh: '优先人群只能由导办台设置',
    en: 'Only the guide desk can set a priority group',
  },
  HQ_ERR_CARD_TOKEN_INVALID: {
    zh: '身份证读取已失效，请重新刷卡',
    en: 'The ID card read has expired; place the card again',
  },
  HQ_ERR_ID_NUMBER_INVALID: { zh: '身份证号码校验失败，请重新刷卡或到导办台', en: 'The ID number fails its check; read the card again or see the guide desk' },
  HQ_ERR_ID_CARD_UNREADABLE: { zh: '无法识别该证件，请重新放置或到导办台', en: 'This card cannot be read; place it again or see the guide desk' },
  HQ_ERR_ID_CARD_EXPIRED: { zh: '身份证已过有效期，请到导办台办理', en: 'The ID card has expired; please see the guide desk' },
  HQ_ERR_APPOINTMENT_NOT_FOUND: { zh: '找不到该预约，请核对预约码', en: 'No such appointment; check the code' },
  HQ_ERR_APPOINTMENT_USED: { zh: '该预约已签到取号', en: 'This appointment has already been checked in' },
  HQ_ERR_APPOINTMENT_OUTSIDE_SLOT: {
    zh: '不在预约时段内，请在预约时间前后到达',
    en: 'Outside the appointment slot; come at the booked time',
  },
  HQ_ERR_APPOINTMENT_HOLDER_MISMATCH: { zh: '身份证与预约人不一致', en: 'The ID card does not match the appointment' },
  HQ_ERR_APPOINTMENT_SLOT_INVALID: { zh: '预约时段不正确，结束时间须晚于开始时间', en: 'Bad slot: it must end after it starts' },
  HQ_ERR_APPOINTMENT_VOID: {
    zh: '该预约已失效（迟到超过宽限时间或未到），请现场取号',
    en: 'This booking is void (later than the grace time, or missed); take a number at the kiosk',
  },
  HQ_ERR_APPOINTMENT_CANCELLED: { zh: '该预约已取消，请重新预约或现场取号', en: 'This booking was cancelled; book again or take a number' },
  // Booking (预约)
  HQ_ERR_BOOKING_IN_PAST: { zh: '该时段已开始或已过去，请选择之后的时段', en: 'That slot has begun or is over; choose a later one' },
  HQ_ERR_BOOKING_TOO_FAR: { zh: '超出可预约的天数，请选择较近的日期', en: 'That day is too far ahead to book; choose an earlier day' },
  HQ_ERR_BOOKING_HOLIDAY: { zh: '该日为节假日，大厅不办理预约业务，请选择其他日期', en: 'That day is a public holiday; the hall takes no bookings, choose another day' },
  HQ_ERR_BOOKING_DAY_CLOSED: { zh: '该日不办理此项业务，请选择其他日期', en: 'This business is not handled on that day; choose another day' },
  HQ_ERR_BOOKING_NOT_A_SLOT: {
    zh: '该时间不是可预约的时段（办理时间内的半小时时段），请从可约时段中选择',
    en: 'That is not a bookable slot (a half hour within the opening hours); choose one of the free slots',
  },
  HQ_ERR_BOOKING_SLOT_FULL: { zh: '该时段已约满，请选择其他时段', en: 'That slot is fully booked; choose another slot' },
  HQ_ERR_BOOKING_WALK_IN_ONLY: { zh: '该业务不接受预约，请到大厅现场取号', en: 'This business takes no bookings; take a number in the hall' },
  HQ_ERR_BOOKING_ONE_PER_ID: {
    zh: '您当天已预约该业务，每人每天每项业务限约一次',
    en: 'You already hold a booking for this business on that day; one per person, business and day',
  },
  HQ_ERR_BOOKING_SUSPENDED: { zh: '您近期多次预约未到，预约功能已暂停', en: 'Booking is suspended for you after repeated missed bookings' },
  HQ_ERR_BOOKING_NOT_LIVE: {
    zh: '该预约已取消、已签到或已失效，不能再取消',
    en: 'This booking is already cancelled, checked in or void; it cannot be cancelled',
  },
  HQ_ERR_TICKET_NOT_FOUND: { zh: '找不到该号票', en: 'No such ticket' },
  HQ_ERR_TICKET_FINISHED: { zh: '该号票已结束，无法再操作', en: 'This ticket is finished and cannot be changed' },
  // Windows
  HQ_ERR_WINDOW_UNKNOWN: { zh: '没有这个窗口', en: 'No such window' },
  HQ_ERR_WINDOW_CLOSED: { zh: '窗口未签到，请先签到', en: 'The window is not open; sign in first' },
  HQ_ERR_WINDOW_PAUSED: { zh: '窗口暂停服务中，请先恢复服务', en: 'The window is paused; resume first' },
  HQ_ERR_WINDOW_NOT_PAUSED: { zh: '窗口未暂停', en: 'The window is not paused' },
  HQ_ERR_WINDOW_ALREADY_OPEN: { zh: '您已在该窗口签到', en: 'You are already signed in at this window' },
  HQ_ERR_WINDOW_BUSY: {
    zh: '当前号票尚未办结，请先办结、过号或转号',
    en: 'The current ticket is not finished; complete, no-show or transfer it first',
  },
  HQ_ERR_WINDOW_NO_CURRENT: { zh: '窗口当前没有号票', en: 'The window has no current ticket' },
  HQ_ERR_WRONG_STATE: { zh: '当前状态不能执行此操作', en: 'Not possible in the current state' },
  HQ_ERR_STAFF_NOT_ASSIGNED: {
    zh: '该工作人员不是此窗口的A角或B角',
    en: 'This staff member is not the A or B clerk of this window',
  },
  HQ_ERR_TRANSFER_TARGET: {
    zh: '请指定转往的业务类别或窗口（二选一），且不能转回本窗口',
    en: 'Give either a category or a window to transfer to, not both, and not this window',
  },
  HQ_ERR_CHOSEN_CALL_DISABLED: { zh: '本大厅未开启指定叫号，请按顺序叫号', en: 'Calling a chosen number is not enabled in this hall; call the next number' },
  HQ_ERR_CHOSEN_NOT_WAITING: {
    zh: '该号不在本窗口的等候队列中（可能已被叫走、转走或过号），请刷新列表',
    en: "That number is not waiting for this window (called, transferred or missed meanwhile); refresh the list",
  },
  HQ_ERR_PAUSE_REASON_REQUIRED: { zh: '暂停服务须填写原因', en: 'Pausing needs a reason' },
  HQ_ERR_DAY_IN_FUTURE: { zh: '不能结束尚未到来的营业日，请检查日期和服务器时钟', en: 'That business day has not come yet; check the date and the server clock' },
  // Ratings
  HQ_ERR_RATING_NOT_REQUESTED: { zh: '该服务没有待评价的请求', en: 'No rating is waiting for this service' },
  HQ_ERR_ALREADY_RATED: { zh: '该服务已评价，每次服务只能评价一次', en: 'This service has been rated; one rating per service' },
  HQ_ERR_RATING_EXPIRED: { zh: '评价已超时，本次服务记为未评价', en: 'The rating timed out; the service is recorded as unrated' },
  HQ_ERR_RATING_REASON_REQUIRED: { zh: '请至少选择一项不满意的原因', en: 'Choose at least one reason for a dissatisfied rating' },
  HQ_ERR_NOT_YOUR_PAD: { zh: '只有该窗口的评价器可以评价本次服务', en: "Only this window's pad may rate this service" },
  HQ_ERR_RATING_REASON_UNKNOWN: { zh: '评价原因不在可选范围内', en: 'That reason is not one of the offered reasons' },
  HQ_ERR_FOLLOWUP_NOT_FOUND: { zh: '找不到该差评回访', en: 'No such follow-up' },
  HQ_ERR_FOLLOWUP_CLOSED: { zh: '该差评回访已办结', en: 'This follow-up is already closed' },
  HQ_ERR_CASE_REQUIRED: {
    zh: '本厅要求办结时提供办件编号和事项编码（好差评按办件上报），请在业务系统中补填后再办结',
    en: 'This hall requires the case number and item code on completion (the 好差评 record is filed by them); fill them in and complete again',
  },
  // The 好差评 upload, as the manager sees it
  HQ_ERR_UPSTREAM_OFF: { zh: '本厅未配置好差评上报', en: 'This hall has no 好差评 upload configured' },
  HQ_ERR_DEAD_LETTER_NOT_FOUND: { zh: '没有这条被退回的记录（可能已重新上报）', en: 'No such refused record (it may have been resent already)' },
  HQ_ERR_RECONCILE_UNAVAILABLE: { zh: '本省平台未提供对账查询，无法对账', en: "The province's platform offers no query to reconcile against" },
  // SMS (issue #15 §2)
  HQ_ERR_SMS_OFF: { zh: '本厅未开通短信服务', en: 'This hall has no SMS configured' },
  HQ_ERR_NO_PHONE_HELD: { zh: '该号票没有登记手机号，无法设置短信提醒', en: 'No phone number was given with this ticket, so it gets no SMS reminders' },
  // The applicant the window business system names at completion (好差评 record)
  HQ_ERR_APPLICANT_ID_INVALID: { zh: '申请人身份证号码校验失败（GB 11643），请核对', en: "The applicant's ID number fails its GB 11643 check; check it" },
  HQ_ERR_CREDIT_CODE_INVALID: { zh: '统一社会信用代码校验失败（GB 32100），请核对', en: 'The unified social credit code fails its GB 32100 check; check it' },
  // Reports (the hall's numbers)
  HQ_ERR_REPORT_RANGE_INVERTED: { zh: '开始日期晚于结束日期，请对调后重试', en: 'The start date is after the end date; swap them and try again' },
  HQ_ERR_REPORT_PERIOD_IN_FUTURE: { zh: '所选期间尚未开始，没有数据可统计', en: 'That period has not begun yet; there is nothing to count' },
  HQ_ERR_REPORT_RANGE_TOO_LONG: { zh: '日期范围过长，请缩短范围或改按日、周、月汇总', en: 'The range is too long; shorten it or ask for days, weeks or months' },
  HQ_ERR_REPORT_UNKNOWN_FILTER: { zh: '没有这个业务类别或窗口，请检查筛选条件', en: 'No such category or window; check the filter' },
  HQ_ERR_REPORTS_BUSY: { zh: '正在生成的报表过多，请稍后再试', en: 'Too many reports are being built; try again shortly' },
  HQ_ERR_REPORT_TIMEOUT: { zh: '报表生成超时，请缩短期间后重试', en: 'The report took too long; try a shorter period' },
  HQ_ERR_RANKING_NOT_ENDED: { zh: '该月尚未结束，窗口排名在月底后公示', en: 'That month has not ended; its window ranking is published after month end' },
  // Devices
  HQ_ERR_SIMULATOR_DISABLED: {
    zh: '未配置模拟读卡器，模拟接口不可用',
    en: 'No simulated reader is configured; the simulator endpoint is off',
  },
  HQ_ERR_NO_PRINTER: { zh: '没有可用的号票打印机', en: 'No ticket printer is configured' },
  // Backups
  HQ_ERR_BACKUPS_OFF: { zh: '本 hub 未配置备份目录（backups.dir 或 HALLQ_BACKUP_DIR）', en: 'No backup directory is configured on this hub (backups.dir or HALLQ_BACKUP_DIR)' },
  HQ_ERR_BACKUP_FAILED: { zh: '备份未能写入，请检查备份目录的磁盘空间和权限', en: 'The backup could not be written; check the backup directory: free space and permissions' },
  // Device agents
  HQ_ERR_AGENT_UNKNOWN: { zh: '没有这个设备代理，请让代理重新发起配对', en: 'No such device agent; let the agent ask to pair again' },
  HQ_ERR_AGENT_SECRET: { zh: '配对凭据不符，该代理标识已被另一台电脑使用', en: 'The pairing secret does not match: another PC uses this agent id' },
  HQ_ERR_AGENT_REVOKED: { zh: '该设备代理已被吊销，请在代理电脑上删除其数据目录后重新配对', en: "This device agent was revoked; delete the agent's data directory on its PC and pair again" },
  HQ_ERR_PAIRING_CODE_WRONG: { zh: '配对码不正确，请核对代理电脑上显示的六位配对码', en: 'Wrong pairing code; check the six digits the agent PC shows' },
  HQ_ERR_CARD_READ_STALE: { zh: '读卡后过久才送达，未予受理，请重新刷卡', en: 'The card read arrived too late to be used; place the card again' },
  HQ_ERR_DEVICE_INPUT_STALE: { zh: '按键后过久才送达，未予受理，请重新按键', en: 'The key press arrived too late to be used; press the key again' },
  HQ_ERR_AGENT_TOKEN_COLLECTED: { zh: '该代理的令牌已领取过，如已丢失请吊销后重新配对', en: "This agent's token was already collected; if it is lost, revoke the agent and pair again" },
  // Server
  HQ_ERR_INTERNAL: { zh: '服务器内部错误，操作未生效，请重试', en: 'Internal error; nothing was changed, try again' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** A rule was broken; nothing changed. `detail` says which value was wrong, never personal data. */
export class HallqError extends Error {
  readonly code: ErrorCode;
  readonly detail: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, detail?: Record<string, unknown>, extra?: { zh?: string; en?: string }) {
    const text = ERRORS[code];
    const zh = extra?.zh ? `${text.zh}：${extra.zh}` : text.zh;
    const en = extra?.en ? `${text.en}: ${extra.en}` : text.en;
    super(`${zh} / ${en}`);
    this.name = 'HallqError';
    this.code = code;
    this.detail = detail;
  }
}
