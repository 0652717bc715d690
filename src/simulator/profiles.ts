import type { WindowId } from '../domain/state.ts';

/**
 * What a hall's day looks like, after hall-rules §18 (township: 18A; county: 18B) and §4–§5. Every
 * number is an assumption the seeds support or leave open; `docs/decisions.md` (the simulator's
 * model) says where each comes from. A caller may pass its own profile, or a changed copy of one of
 * these (`{ ...PROFILES.county, pauses: { ...PROFILES.county.pauses, perWindowSession: 0 } }`).
 */
export interface Profile {
  name: string;
  /** The config it is made for (relative to the repo root), used when no config is given. */
  configFile: string;
  volume: {
    /** Mean tickets on an ordinary weekday, all sessions together (lunch included). */
    weekday: number;
    /** Mean tickets on a Saturday or Sunday the hall is open. */
    weekend: number;
    /** Day-to-day spread: the day's mean is multiplied by a lognormal of this sigma (a Cox process). */
    sigma: number;
    /** Factor on Mondays (the week's backlog), concentrated in the morning by `peakMorningBoost`. */
    monday: number;
    /** Factor on the first working day after a public holiday. */
    postHoliday: number;
    /** Market days (逢场天): days of the month, by last digit (1, 4, 7: 逢一四七, every third day). */
    market?: { lastDigits: number[]; mean: number; sigma: number };
  };
  /** Relative arrival intensity per half hour, by its start `HH:MM`; a slot not listed weighs `otherSlot`. */
  shape: Record<string, number>;
  otherSlot: number;
  /** Extra weight on the 09:00–10:30 slots on a Monday or after a holiday. */
  peakMorningBoost: number;
  /** Share of arrivals per category id; categories of the config not listed share `otherCategory` each. */
  mix: Record<string, number>;
  otherCategory: number;
  /** Mean service minutes per category; else the config's `avgServiceMin`. */
  serviceMin: Record<string, number>;
  /** Log-scale sigma of the lognormal service time (0.5: a coefficient of variation of about 0.53). */
  serviceSigma: number;
  /** Shares of the ways in: with an ID card at the kiosk, booked, at the guide desk; the rest at the kiosk without a card. */
  channels: { card: number; appointment: number; guide: number };
  /** Share of appointment check-ins made by placing the card (the rest type the code). */
  appointmentByCard: number;
  /** Categories that take no appointments (walk-in only). */
  walkInOnly: string[];
  /** Share of booked residents who never come. */
  appointmentNoShow: number;
  /** Share of guide-desk tickets given a priority group there (disabled, military, pregnant, green channel). */
  guidePriority: number;
  /** Age bands of card holders: [from, to, weight]. 60+ get the age priority from the card. */
  ages: [number, number, number][];
  /** People the hall serves (distinct residents drawn from), and the share of visits by someone seen lately. */
  population: number;
  returnShare: number;
  /** First six digits of ID numbers (the county's districts first; migrants from elsewhere). */
  regions: [string, number][];
  /** Chance that a service is handed on: per category, else `other`; to a window (not a category) `toWindow` of the time. */
  transfers: { byCategory: Record<string, number>; other: number; toWindow: number };
  /** Not at the counter when first called; of those, who turns up after the first or second recall. */
  absentAtCall: number;
  comesAfterRecall: [number, number];
  ratings: {
    /** Share of services rated at the pad; the rest time out as unrated. */
    rated: number;
    /** Weights of levels 5…1, and after a wait longer than `longWaitMin`. */
    levels: [number, number, number, number, number];
    levelsAfterLongWait: [number, number, number, number, number];
    longWaitMin: number;
    /** Share of bad ratings (不满意 and below) that come with a written comment. */
    commentShare: number;
  };
  /** Follow-ups of bad ratings: share rectified after the deadline. */
  followupLate: number;
  /** Chance that a window pauses in a session, and the median pause. */
  pauses: { perWindowSession: number; medianMin: number };
  /** Chance that a clerk is away for the day (the B clerk covers). */
  absence: number;
  /** Windows open in extended sessions (weekday lunch, Saturday), by their B clerk where there is one. */
  dutyWindows: WindowId[];
}

/** Half-hour shape of a hall day: morning peak 09:00–10:30, afternoon 13:30–16:30 (hall-rules §18A, §4). */
const HALL_SHAPE: Record<string, number> = {
  '09:00': 3.0,
  '09:30': 3.2,
  '10:00': 2.8,
  '10:30': 1.8,
  '11:00': 1.4,
  '11:30': 1.0,
  '12:00': 0.6,
  '12:30': 0.5,
  '13:00': 0.7,
  '13:30': 1.6,
  '14:00': 2.0,
  '14:30': 2.0,
  '15:00': 1.9,
  '15:30': 1.8,
  '16:00': 1.5,
  '16:30': 0.9,
  '17:00': 0.6,
  '17:30': 0.35,
};

const AGES: [number, number, number][] = [
  [18, 29, 20],
  [30, 44, 34],
  [45, 59, 34],
  [60, 69, 8],
  [70, 85, 4],
];

const BASE = {
  otherSlot: 0.3,
  otherCategory: 0.01,
  serviceMin: {},
  serviceSigma: 0.5,
  ages: AGES,
  appointmentNoShow: 0.06,
  absentAtCall: 0.07,
  comesAfterRecall: [0.25, 0.15] as [number, number],
  ratings: {
    rated: 0.86,
    levels: [0.73, 0.19, 0.065, 0.01, 0.005] as [number, number, number, number, number],
    levelsAfterLongWait: [0.5, 0.27, 0.16, 0.05, 0.02] as [number, number, number, number, number],
    longWaitMin: 30,
    commentShare: 0.4,
  },
  followupLate: 0.08,
  absence: 0.04,
};

/** 乡镇便民服务中心 (hall-rules §18A), for `config/hall.yaml`. */
export const TOWNSHIP: Profile = {
  ...BASE,
  name: 'township',
  configFile: 'config/hall.yaml',
  volume: { weekday: 40, weekend: 10, sigma: 0.3, monday: 1.15, postHoliday: 1.4, market: { lastDigits: [1, 4, 7], mean: 100, sigma: 0.06 } },
  shape: HALL_SHAPE,
  peakMorningBoost: 1.4,
  // 003:69 and 003:13: consultation 35 %, insurance 20 %, civil and disability 12 %, family planning 10 %,
  // land 8 %, farming 7 %, complaints, mediation and agency 8 %.
  mix: { ZX: 35, SB: 11, YB: 9, MZ: 7, CL: 5, JS: 10, GT: 8, NL: 7, TS: 4, DB: 4 },
  channels: { card: 0.5, appointment: 0.02, guide: 0.05 },
  appointmentByCard: 0.3,
  walkInOnly: ['ZX', 'TS'],
  guidePriority: 0.4,
  population: 27_000,
  returnShare: 0.15,
  regions: [
    ['510781', 80],
    ['510722', 6],
    ['510725', 5],
    ['510703', 4],
    ['500233', 3],
    ['422802', 2],
  ],
  // Mostly from the comprehensive window: a consultation that turns out to be a specialist's matter.
  transfers: { byCategory: { ZX: 0.2, SB: 0.03, YB: 0.03, DB: 0.05 }, other: 0.01, toWindow: 0.25 },
  pauses: { perWindowSession: 0.15, medianMin: 8 },
  dutyWindows: [1],
};

/** 县政务服务中心 (hall-rules §18B), for `config/county.yaml`. */
export const COUNTY: Profile = {
  ...BASE,
  name: 'county',
  configFile: 'config/county.yaml',
  volume: { weekday: 560, weekend: 60, sigma: 0.13, monday: 1.2, postHoliday: 1.55 },
  shape: { ...HALL_SHAPE, '12:00': 0.5, '12:30': 0.4, '13:00': 0.5, '13:30': 1.2 },
  peakMorningBoost: 1.5,
  mix: { ZX: 12, SB: 10, YB: 9, MZ: 3, CL: 2, WJ: 3, HJ: 5, GJ: 6, YZ: 8, SP: 3, TZ: 1, XM: 2, GH: 1.5, JS: 1.5, BD: 14, SW: 7, GZ: 2, CJ: 9, TS: 1 },
  // §18B: about 70 % with an ID card, 15 % booked, 10 % by QR or SMS (here: the kiosk without a card), 5 % at the guide desk.
  channels: { card: 0.7, appointment: 0.15, guide: 0.05 },
  appointmentByCard: 0.3,
  walkInOnly: ['ZX', 'CJ', 'TS'],
  guidePriority: 0.3,
  // Nearly every county ticket carries a card (70 % card, 15 % booked): a younger mix keeps age priority near 6 %.
  ages: [
    [18, 29, 22],
    [30, 44, 36],
    [45, 59, 35],
    [60, 69, 5],
    [70, 85, 2],
  ],
  population: 380_000,
  returnShare: 0.12,
  regions: [
    ['510781', 70],
    ['510703', 8],
    ['510704', 6],
    ['510722', 5],
    ['510725', 4],
    ['500233', 4],
    ['440304', 3],
  ],
  transfers: { byCategory: { ZX: 0.35, SB: 0.04, YB: 0.04, MZ: 0.04, CL: 0.04, WJ: 0.04, HJ: 0.04, GJ: 0.04, BD: 0.02 }, other: 0.01, toWindow: 0.2 },
  pauses: { perWindowSession: 0.2, medianMin: 8 },
  // Lunch and Saturday: a consultation desk, two comprehensive windows, one for business, two for real estate, pick-up.
  dutyWindows: [1, 3, 4, 11, 18, 19, 24],
};

/**
 * A city centre (市民中心): the county hall twelve times over (`config/city.yaml`, 312 windows), open
 * every day, about 10,000 tickets a day (3.65 M a year, issue #11).
 */
export const CITY: Profile = {
  ...COUNTY,
  name: 'city',
  configFile: 'config/city.yaml',
  volume: { weekday: 10_500, weekend: 8_750, sigma: 0.08, monday: 1.1, postHoliday: 1.2 },
  population: 9_000_000,
  // Check-in by code only: the engine finds a card's booking by scanning every booking in memory.
  appointmentByCard: 0,
  dutyWindows: Array.from({ length: 12 }, (_, zone) => COUNTY.dutyWindows.map((w) => zone * 26 + w)).flat(),
};

export const PROFILES = { township: TOWNSHIP, county: COUNTY, city: CITY } as const;
export type ProfileName = keyof typeof PROFILES;

/** The profile for a hall of this size: a township up to 12 windows, a county up to 80, else a city. */
export function profileFor(config: { windows: readonly unknown[] }): Profile {
  return config.windows.length <= 12 ? TOWNSHIP : config.windows.length <= 80 ? COUNTY : CITY;
}
