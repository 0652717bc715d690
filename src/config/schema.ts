import { Type, type Static } from '@sinclair/typebox';
import { SmsGatewayConfigSchema } from '../sms/gateway-config.ts';
import { AnnouncerConfigSchema } from '../announcer/config.ts';
import { RatingPadsConfigSchema } from '../../devices/ratingpad/config.ts';
import { UpstreamConfigSchema } from '../upstream/config.ts';

/** Schema of `config/hall.yaml` (DESIGN §6). Cross-references are checked by `crossCheck` in `load-hall-config.ts`. */

const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'letters, digits, _ or -' });
const Clock = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM' });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Names = Type.Object(
  { zh: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

export const SessionSchema = Type.Object(
  {
    start: Clock,
    end: Clock,
    /** 延时服务: weekday lunch and Saturday sessions, counted apart in reports. */
    extended: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Weekday = Type.Union([
  Type.Literal('mon'),
  Type.Literal('tue'),
  Type.Literal('wed'),
  Type.Literal('thu'),
  Type.Literal('fri'),
  Type.Literal('sat'),
  Type.Literal('sun'),
]);

const WeekSchema = Type.Object(
  {
    mon: Type.Array(SessionSchema),
    tue: Type.Array(SessionSchema),
    wed: Type.Array(SessionSchema),
    thu: Type.Array(SessionSchema),
    fri: Type.Array(SessionSchema),
    sat: Type.Array(SessionSchema),
    sun: Type.Array(SessionSchema),
  },
  { additionalProperties: false },
);

/** A keypad or evaluator on an RS-485 bus: its address, its window, and the order of its rating keys. */
const BusDeviceSchema = Type.Object(
  {
    address: Type.Integer({ minimum: 1, maximum: 254 }),
    windowId: Type.Integer({ minimum: 1 }),
    /** The evaluator's keys: best-first (default, index 0 = 非常满意) or worst-first. */
    order: Type.Optional(Type.Union([Type.Literal('best-first'), Type.Literal('worst-first')])),
  },
  { additionalProperties: false },
);

export const HallConfigSchema = Type.Object(
  {
    hall: Type.Object(
      {
        name: Type.String({ minLength: 1 }),
        nameEn: Type.Optional(Type.String()),
        timeZone: Type.String({ minLength: 1 }),
        /** Base URL residents' phones reach the hub at (the QR on tickets); default: this host's LAN address. */
        publicUrl: Type.Optional(Type.String({ pattern: '^https?://[\\x21-\\x7e]+[^/]$' })),
        /**
         * A demo hall: simulator controls (`/api/v1/sim/...`) are served, the ID key may sit in the
         * data dir, and the hub says so loudly at start-up. Never in a real hall.
         */
        demo: Type.Optional(Type.Boolean()),
        /**
         * Weeks of simulated history a demo hall gets on its first start (a fresh data directory), so
         * the reports have something to show (default 8; 0: none). Never in a real hall.
         */
        demoHistoryWeeks: Type.Optional(Type.Integer({ minimum: 0, maximum: 52 })),
      },
      { additionalProperties: false },
    ),
    schedule: Type.Object(
      {
        week: WeekSchema,
        /** Statutory holidays: closed, appointments only (节假日实行值班或预约服务). */
        holidays: Type.Optional(Type.Array(IsoDate)),
        /** Make-up working days (调休): the date runs the sessions of the named weekday. */
        workdays: Type.Optional(Type.Array(Type.Object({ date: IsoDate, as: Weekday }, { additionalProperties: false }))),
        /**
         * Market days (逢场天): a day type with its own forecast and staffing. Every `everyNDays` days
         * counted from `from`, and/or the listed dates.
         */
        marketDays: Type.Optional(
          Type.Object(
            { everyNDays: Type.Optional(Type.Integer({ minimum: 2, maximum: 31 })), from: Type.Optional(IsoDate), dates: Type.Optional(Type.Array(IsoDate)) },
            { additionalProperties: false },
          ),
        ),
        /** Stop issuing this many minutes before a session ends. */
        stopIssuingBeforeEndMin: Type.Integer({ minimum: 0, maximum: 240, default: 0 }),
        /** Refuse a ticket whose estimated wait runs past the day's last session. */
        refuseIfWaitPastClose: Type.Boolean({ default: true }),
        /** Tickets still waiting this long after the day's last session are closed as abandoned_at_close. */
        closeGraceMin: Type.Integer({ minimum: 0, maximum: 240, default: 30 }),
        /** A wall-clock jump bigger than this (either way) raises `clock.jumped` for the manager. */
        clockJumpAlarmMin: Type.Integer({ minimum: 1, maximum: 1440, default: 3 }),
        /**
         * The hub closes a business day by itself only after its clock has run this long without a
         * jump (and after a start): a clock that leapt a day ahead must not send the queue home.
         */
        dayCloseConfirmMin: Type.Integer({ minimum: 1, maximum: 1440, default: 10 }),
      },
      { additionalProperties: false },
    ),
    queue: Type.Object(
      {
        /** Recalls allowed after the first call; the next recall makes the ticket a no-show. */
        recallLimit: Type.Integer({ minimum: 0, maximum: 10, default: 2 }),
        fairness: Type.Object(
          {
            /** N priority calls, then one normal (when a normal ticket waits). Omit for strict priority. */
            priorityPerNormal: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            /** A ticket waiting longer than this goes first, priority or not. */
            maxWaitMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
          },
          { additionalProperties: false },
        ),
        onePerIdPerCategoryPerDay: Type.Boolean({ default: true }),
        /** Appointment check-in window around the slot. */
        appointmentEarlyMin: Type.Integer({ minimum: 0, maximum: 240, default: 30 }),
        /** 指定叫号: a clerk may call a chosen waiting number from the window's list (recorded as such). */
        allowChosenCall: Type.Boolean({ default: false }),
        /** Weight of the newest service time in the moving average (0..1). */
        estimateAlpha: Type.Number({ minimum: 0.01, maximum: 1, default: 0.2 }),
      },
      { additionalProperties: false },
    ),
    priorityGroups: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Names,
          /** `age`: set from the ID card's birth year; `guide`: set by the guide desk. */
          source: Type.Union([Type.Literal('age'), Type.Literal('guide')]),
          minAge: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
        },
        { additionalProperties: false },
      ),
    ),
    categories: Type.Array(
      Type.Object(
        {
          id: Id,
          prefix: Type.String({ pattern: '^[A-Z]$', description: 'one capital letter' }),
          name: Names,
          icon: Type.Optional(Type.String()),
          dailyQuota: Type.Optional(Type.Integer({ minimum: 1, maximum: 9999 })),
          requiresIdCard: Type.Boolean({ default: false }),
          targetWaitMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
          /** Starting value of the moving average before any service has been timed. */
          avgServiceMin: Type.Number({ minimum: 0.5, maximum: 240, default: 8 }),
          materials: Type.Optional(Type.String()),
          /** Overrides the hall week for this category (e.g. agency drop-off mornings only). */
          week: Type.Optional(WeekSchema),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    windows: Type.Array(
      Type.Object(
        {
          id: Type.Integer({ minimum: 1, maximum: 999 }),
          name: Type.String({ minLength: 1 }),
          department: Type.Optional(Type.String()),
          /** `weighted`: the head that waited longest × weight goes first; `order`: first listed category first. */
          selection: Type.Union([Type.Literal('weighted'), Type.Literal('order')], { default: 'weighted' }),
          categories: Type.Array(
            Type.Object(
              { id: Id, weight: Type.Number({ minimum: 0.1, maximum: 100, default: 1 }) },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
          staff: Type.Object({ a: Id, b: Type.Optional(Id) }, { additionalProperties: false }),
          ledAddress: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
          /** What the screen above the window shows of the clerk (身份公示). */
          screen: Type.Object(
            {
              showStaffName: Type.Boolean({ default: true }),
              showJobNo: Type.Boolean({ default: true }),
              showPhoto: Type.Boolean({ default: false }),
              idleMessage: Type.String({ default: '欢迎光临' }),
            },
            { additionalProperties: false, default: {} },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    staff: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Type.String({ minLength: 1 }),
          role: Type.Union([Type.Literal('clerk'), Type.Literal('guide'), Type.Literal('manager'), Type.Literal('admin')]),
          /** `scrypt$<salt b64>$<hash b64>`, made by `npm run hash-password`. */
          passwordHash: Type.String({ pattern: '^scrypt\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$' }),
          photo: Type.Optional(Type.String()),
          demo: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    devices: Type.Object(
      {
        tokens: Type.Array(
          Type.Object(
            {
              id: Id,
              kind: Type.Union([
                Type.Literal('kiosk'),
                Type.Literal('screen'),
                Type.Literal('pad'),
                Type.Literal('agent'),
                Type.Literal('integration'),
                /** The provincial app or 一网通办 pushing bookings (`/api/v1/integration/bookings`). */
                Type.Literal('booking'),
                /** Monitoring (health details, metrics): reads, never acts. */
                Type.Literal('monitor'),
                /** The operator's SMS gateway calling back with received texts and delivery reports. */
                Type.Literal('sms-gateway'),
              ]),
              /** Plain token (demo only) or its SHA-256 in hex. */
              token: Type.Optional(Type.String({ minLength: 16 })),
              tokenSha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
              windowId: Type.Optional(Type.Integer({ minimum: 1 })),
              /** A kiosk's spoken guidance (请刷身份证, 请选择业务, 请取走号票, refusals); on unless false. */
              voice: Type.Optional(Type.Boolean()),
              demo: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
        printers: Type.Array(
          Type.Object(
            {
              kioskId: Id,
              /** `tcp://host:9100`, `serial:/dev/ttyUSB0?baud=9600`, `file:/dev/usb/lp0`, or `sim` (a fake LAN printer in the hub). */
              uri: Type.String({ minLength: 3 }),
              paperMm: Type.Union([Type.Literal(80), Type.Literal(58)], { default: 80 }),
              /** Plugged into the kiosk PC and run by the device agent approved with `printer:<kioskId>`; `uri` is on that PC. */
              agent: Type.Optional(Type.Boolean()),
              /** Serve this simulator's controls (`/api/v1/sim/printer/...`) even in a real hall's config. */
              demo: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
        /** LED bars above the windows (addresses in windows[].ledAddress) and the hall LED wall. */
        led: Type.Optional(
          Type.Object(
            {
              bars: Type.Optional(
                Type.Object(
                  {
                    uri: Type.String({ minLength: 3 }),
                    /** On a PC where the bus cable ends, run by the agent approved with `led-bars`; `uri` is on that PC. */
                    agent: Type.Optional(Type.Boolean()),
                    demo: Type.Optional(Type.Boolean()),
                  },
                  { additionalProperties: false },
                ),
              ),
              wall: Type.Optional(
                Type.Object(
                  {
                    uri: Type.String({ minLength: 3 }),
                    width: Type.Integer({ minimum: 8, maximum: 4096, default: 192 }),
                    height: Type.Integer({ minimum: 8, maximum: 2048, default: 32 }),
                    demo: Type.Optional(Type.Boolean()),
                  },
                  { additionalProperties: false },
                ),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        /** A device down this long raises an alarm on the health board that stays until someone clears it. */
        downAlarmMin: Type.Integer({ minimum: 1, maximum: 1440, default: 5 }),
        /** USB HID rating pads (评价器), one per window; see devices/ratingpad/README.md. */
        ratingPads: RatingPadsConfigSchema,
        /** The RS-485 bus of caller keypads (呼叫器): `sim` or `serial:/dev/ttyUSB2?baud=9600`. */
        caller: Type.Optional(
          Type.Object(
            {
              uri: Type.String({ minLength: 3 }),
              keypads: Type.Array(
                BusDeviceSchema,
              ),
              /** On a PC where the bus cable ends, run by the agent approved with `caller-bus`; `uri` is on that PC. */
              agent: Type.Optional(Type.Boolean()),
              demo: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
        /** An RS-485 bus of evaluators (评价器) apart from the keypads' bus: `sim` or `serial:…`. */
        padBus: Type.Optional(
          Type.Object(
            {
              uri: Type.String({ minLength: 3 }),
              pads: Type.Array(
                BusDeviceSchema,
              ),
              /** Run by the agent approved with `pad-bus`; `uri` is on that PC. */
              agent: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
        idcard: Type.Optional(
          Type.Object(
            {
              /** `sim` (the simulator, in the hub) or `serial:/dev/ttyUSB0` (115200 unless `?baud=`). */
              uri: Type.String({ minLength: 3 }),
              /** The kiosk the reader sits in; defaults to the first kiosk token. */
              kioskId: Type.Optional(Id),
              /** Plugged into the kiosk PC and run by the agent approved with `idcard:<kioskId>`; `uri` is on that PC. */
              agent: Type.Optional(Type.Boolean()),
              /** Lifetime of a cardToken handed to the kiosk. */
              tokenTtlSec: Type.Integer({ minimum: 10, maximum: 3600, default: 300 }),
              demo: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    /** Ratings (评价) at the counter pads and the bad-rating follow-up (差评回访整改). */
    ratings: Type.Object(
      {
        /** A pad shows the request this long; then the service is recorded as unrated (never a default level). */
        timeoutSec: Type.Integer({ minimum: 5, maximum: 600, default: 30 }),
        /** The reasons a pad offers for 不满意 and 非常不满意, after the three offline indicators. */
        extraReasons: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { default: [] }),
        /** Working days to call back, verify and rectify a bad rating (national scheme: 15). */
        followupWorkingDays: Type.Integer({ minimum: 1, maximum: 60, default: 15 }),
        /** The province's own 好差评 page: the pad shows it as a QR code for rating online as well (optional). */
        onlineUrl: Type.Optional(Type.String({ pattern: '^https?://[\\x21-\\x7e]+$' })),
        /** Names of service items (事项) by code, shown on the pad. */
        items: Type.Record(Type.String(), Type.String(), { default: {} }),
        /**
         * The window business system must name the case (办件编号) and the item (事项编码) on every
         * completion: the 好差评 record is filed by them (DB3310/T 58 §5.4.3). A completion without
         * them is refused, and the console asks for them.
         */
        requireCase: Type.Boolean({ default: false }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** The province's 好差评 platform: endpoint, signature secret, field mapping (src/upstream/config.ts). */
    upstream: Type.Optional(UpstreamConfigSchema),
    /** Voice calling: template, repeats, gaps, espeak-ng settings (src/announcer/config.ts). */
    announcer: Type.Optional(AnnouncerConfigSchema),
    notices: Type.Array(Type.String(), { default: [] }),
    /** The hall's numbers (DB3310/T 58 §5.2.6, hall-rules §4 and §10): forecasts, staffing, alarms. */
    reports: Type.Object(
      {
        /** Weeks of history behind the expected load of a weekday and half hour (holidays left out). */
        historyWeeks: Type.Integer({ minimum: 1, maximum: 52, default: 8 }),
        /** The quiet times published: how many working days ahead, and how many slots per day. */
        quietDaysAhead: Type.Integer({ minimum: 1, maximum: 14, default: 5 }),
        quietSlotsPerDay: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
        /** The kiosk suggests the quiet times when the estimated wait of the chosen category passes this. */
        quietHintAboveMin: Type.Integer({ minimum: 1, maximum: 600, default: 30 }),
        /** Staffing target: this share of residents called within `withinMin` minutes (Erlang C). */
        serviceLevel: Type.Object(
          { withinMin: Type.Integer({ minimum: 1, maximum: 240, default: 15 }), target: Type.Number({ minimum: 0.1, maximum: 0.999, default: 0.8 }) },
          { additionalProperties: false, default: {} },
        ),
        /** A minimum of clerks for a group of windows, on top of Erlang C (the standard's Table 1 is not in our sources). */
        minClerks: Type.Array(
          Type.Object({ windows: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1 }), min: Type.Integer({ minimum: 0, maximum: 100 }), marketDayMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, { additionalProperties: false }),
          { default: [] },
        ),
        /** Congestion (应急处置): crossing any threshold raises `hall.congested`; all back below `clearAt` × threshold clears it. */
        congestion: Type.Object(
          {
            waiting: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
            longestWaitMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
            estimatedWaitMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
            clearAt: Type.Number({ minimum: 0.1, maximum: 1, default: 0.8 }),
            /** Per category, replacing the hall's thresholds for it. */
            categories: Type.Record(
              Type.String(),
              Type.Object(
                { waiting: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), longestWaitMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })), estimatedWaitMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })) },
                { additionalProperties: false },
              ),
              { default: {} },
            ),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Staff assessment (hall-rules §10): daily deductions by item, and the weights of the total. */
    assessment: Type.Object(
      {
        /** The items a daily deduction names, with its usual points; defaults from hall-rules §10 (000:249-257). */
        items: Type.Array(
          Type.Object({ code: Id, name: Type.String({ minLength: 1 }), points: Type.Number({ minimum: 0, maximum: 100 }) }, { additionalProperties: false }),
          {
            default: [
              { code: 'dress', name: '着装、胸牌、台卡不规范', points: 1 },
              { code: 'language', name: '服务用语不规范', points: 1 },
              { code: 'tidiness', name: '窗口不整洁或做与工作无关的事', points: 1 },
              { code: 'absence', name: '脱岗、离岗未登记', points: 2 },
              { code: 'computer', name: '违反计算机使用规定', points: 1 },
              { code: 'shirking', name: '推诿扯皮、与群众争吵', points: 5 },
              { code: 'complaint', name: '被有效投诉或媒体曝光', points: 5 },
              { code: 'notice', name: '一次性告知不清致群众多跑', points: 3 },
              { code: 'phone', name: '不接、挂断电话', points: 2 },
            ],
          },
        ),
        /** A day's score starts here and loses the points of its deductions. */
        dailyBase: Type.Number({ minimum: 1, maximum: 1000, default: 100 }),
        /** Staff total = satisfaction × this + mean daily score × (1 − this). */
        satisfactionWeight: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
        /** Besides managers, who records deductions: the clerks of these windows (群众接待和咨询监督窗口). */
        recorderWindows: Type.Array(Type.Integer({ minimum: 1 }), { default: [] }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * Tickets one kiosk (or one guide) may take: a burst, then so many a minute. A real kiosk issues
     * one every 20 s at its busiest; the default stops a script with a stolen token from emptying a
     * day's quota in a second.
     */
    limits: Type.Object(
      {
        kioskIssue: Type.Object(
          { burst: Type.Integer({ minimum: 1, maximum: 100_000, default: 12 }), perMinute: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 12 }) },
          { additionalProperties: false, default: {} },
        ),
        staffIssue: Type.Object(
          { burst: Type.Integer({ minimum: 1, maximum: 100_000, default: 30 }), perMinute: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 30 }) },
          { additionalProperties: false, default: {} },
        ),
        /**
         * Reverse proxies in front of the hub (an address or a CIDR range, e.g. the DMZ's nginx that
         * brings residents' phones to `/book`): their `X-Forwarded-For` names the client, so limits per
         * address count each phone, not the proxy. Empty: the peer's own address, always.
         */
        trustedProxies: Type.Array(Type.String({ minLength: 2, maxLength: 64 }), { default: [], maxItems: 32 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * Booking (预约, issue #15): the slot model and its rules (docs/decisions.md, the slot model). Check-in
     * opens `queue.appointmentEarlyMin` before the slot.
     */
    booking: Type.Object(
      {
        /** How many days ahead a slot may be booked (0: today only). */
        daysAhead: Type.Integer({ minimum: 0, maximum: 60, default: 7 }),
        /** Share of every half hour's capacity held for residents who walk in. */
        walkInShare: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
        /** Categories that take no bookings (walk-in only). */
        walkInOnly: Type.Array(Id, { default: [] }),
        /** A booking still checks in as booked this many minutes after its slot began. */
        graceMin: Type.Integer({ minimum: 0, maximum: 120, default: 15 }),
        /** Later than the grace: `ticket` turns the booking into a normal ticket at the back of the queue; `void` voids it. */
        late: Type.Union([Type.Literal('ticket'), Type.Literal('void')], { default: 'ticket' }),
        /** One live booking per ID number, per category, per day. */
        onePerIdPerCategoryPerDay: Type.Boolean({ default: true }),
        /** `limit` no-shows within `withinDays` suspend booking for that ID number for `suspendDays`. */
        noShows: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
            withinDays: Type.Integer({ minimum: 1, maximum: 60, default: 30 }),
            suspendDays: Type.Integer({ minimum: 1, maximum: 60, default: 30 }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** Public booking pages (`/book`, `/api/v1/public/bookings`): requests per client address, a burst then so many a minute. */
        publicRate: Type.Object(
          { burst: Type.Integer({ minimum: 1, maximum: 10_000, default: 20 }), perMinute: Type.Integer({ minimum: 1, maximum: 100_000, default: 20 }) },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    privacy: Type.Object(
      {
        /** Personal fields (masked holder, HMAC) are purged from tickets older than this. */
        retentionDays: Type.Integer({ minimum: 1, maximum: 3650, default: 180 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * Online backups of the database (issue #14): nightly at `at` (the hall's time) and before every
     * migration, into `dir` (relative to the config file; `HALLQ_BACKUP_DIR` overrides it), rotated.
     * Without this section (and without the variable) the hub makes none, and says so at start-up.
     */
    backups: Type.Optional(
      Type.Object(
        {
          dir: Type.String({ minLength: 1 }),
          at: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '02:30' }),
          keepDaily: Type.Integer({ minimum: 1, maximum: 3650, default: 14 }),
          keepMonthly: Type.Integer({ minimum: 0, maximum: 600, default: 12 }),
          keepPreMigration: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * SMS (issue #15 §2): ticket-taking by text (取号 SB / 查询 / 取消) and reminders, through a GSM
     * modem on a serial port (`modem.uri`: a device path, or `sim` in a demo). Without this section
     * the hall sends no texts and keeps no phone number but its masked form.
     */
    sms: Type.Optional(
      Type.Object(
        {
          modem: Type.Optional(Type.Object({ uri: Type.String({ minLength: 1 }), demo: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
          /** Or the operator's HTTP gateway (短信网关): its callbacks come with an `sms-gateway` device token. */
          gateway: Type.Optional(SmsGatewayConfigSchema),
          /** Tickets one number may take by SMS in a day. */
          perPhonePerDay: Type.Integer({ minimum: 1, maximum: 50, default: 3 }),
          /** "Almost your turn" when this many are ahead; 0: never. The phone page may change it per ticket. */
          remindAhead: Type.Integer({ minimum: 0, maximum: 50, default: 3 }),
          /** A text when the ticket is called, naming the window. */
          remindCalled: Type.Boolean({ default: true }),
          /** A call's text is worth sending for this long; after it, it is given up. */
          calledTtlMin: Type.Integer({ minimum: 1, maximum: 120, default: 10 }),
          /** A reply to a resident's text is given up after this long. */
          replyTtlMin: Type.Integer({ minimum: 1, maximum: 1440, default: 30 }),
          /** Booking reminders: the day before from this hour, and this many minutes before the slot. */
          bookingEveAt: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '17:00' }),
          bookingSoonMin: Type.Integer({ minimum: 5, maximum: 240, default: 30 }),
          retry: Type.Object(
            { initialSec: Type.Integer({ minimum: 1, maximum: 3600, default: 30 }), maxSec: Type.Integer({ minimum: 1, maximum: 86_400, default: 600 }) },
            { additionalProperties: false, default: {} },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type HallConfig = Static<typeof HallConfigSchema>;
export type Session = Static<typeof SessionSchema>;
export type WeekdayKey = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type Week = HallConfig['schedule']['week'];
export type CategoryConfig = HallConfig['categories'][number];
export type WindowConfig = HallConfig['windows'][number];
export type StaffConfig = HallConfig['staff'][number];
export type DeviceTokenConfig = HallConfig['devices']['tokens'][number];
export type PriorityGroupConfig = HallConfig['priorityGroups'][number];
