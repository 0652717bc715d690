import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { VoiceError } from './errors.ts';
import { DEFAULT_BUSY_RECALL_TEMPLATE, DEFAULT_BUSY_TEMPLATE, DEFAULT_RECALL_TEMPLATE, DEFAULT_TEMPLATE, planRules, type PlanRules } from './reading.ts';

/**
 * The announcer's settings. Shaped to drop into `HallConfigSchema` as an optional `announcer:`
 * section (every field has a default); `resolveAnnouncerConfig` fills and checks them, templates included.
 */
export const AnnouncerConfigSchema = Type.Object(
  {
    /** Read for a call. `{number}` and `{window}` each once; see reading.ts for the rules. */
    template: Type.String({ default: DEFAULT_TEMPLATE }),
    /** Read for a recall (重呼). */
    recallTemplate: Type.String({ default: DEFAULT_RECALL_TEMPLATE }),
    /** 「叮咚」 before each play. */
    chime: Type.Boolean({ default: true }),
    /** The digit 1 in ticket numbers: 一 or 幺. */
    readOneAs: Type.Union([Type.Literal('yi'), Type.Literal('yao')], { default: 'yi' }),
    /** Plays of each announcement. */
    repeat: Type.Integer({ minimum: 1, maximum: 5, default: 2 }),
    /** Silence between two plays of one announcement. */
    gapMs: Type.Integer({ minimum: 0, maximum: 10_000, default: 1000 }),
    /** Silence between the end of one announcement and the start of the next. */
    betweenMs: Type.Integer({ minimum: 0, maximum: 10_000, default: 800 }),
    /**
     * Keeping up with a peak (issue #11): with this many announcements waiting, a new one plays once,
     * with `busyBetweenMs` before it. A first announcement is never dropped.
     */
    busyAt: Type.Integer({ minimum: 1, maximum: 100, default: 2 }),
    busyBetweenMs: Type.Integer({ minimum: 0, maximum: 10_000, default: 300 }),
    /** What is read at a peak (with `busyAt` waiting): shorter words, the same number and window. */
    busyTemplate: Type.String({ default: DEFAULT_BUSY_TEMPLATE }),
    busyRecallTemplate: Type.String({ default: DEFAULT_BUSY_RECALL_TEMPLATE }),
    /** The chime is 1.35 s of a 6.5 s play: at a peak, announcements go without it (the hall is listening already). */
    busyChime: Type.Boolean({ default: false }),
    /** Past this many waiting, the oldest waiting recall (重呼) goes; first announcements stay. */
    maxPending: Type.Integer({ minimum: 2, maximum: 1000, default: 20 }),
    /**
     * Areas with their own speakers, each with its own queue (a county hall's floors or wings). A wall
     * plays one zone (`wall.html?zone=…`). Windows in no zone are in the zone `hall`.
     */
    zones: Type.Array(
      Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), name: Type.Optional(Type.String()), windows: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1 }) }, { additionalProperties: false }),
      { default: [] },
    ),
    /** From the call to the start when the queue is idle (time for the wall to fetch the WAV). */
    leadMs: Type.Integer({ minimum: 0, maximum: 1500, default: 0 }),
    /** Silence between words, after the chime, and for a comma. */
    clipGapMs: Type.Integer({ minimum: 0, maximum: 1000, default: 30 }),
    afterChimeMs: Type.Integer({ minimum: 0, maximum: 2000, default: 250 }),
    pauseMs: Type.Integer({ minimum: 0, maximum: 2000, default: 300 }),
    /** How missing clips are generated. */
    espeak: Type.Object(
      {
        voice: Type.String({ default: 'cmn-latn-pinyin' }),
        speed: Type.Integer({ minimum: 80, maximum: 450, default: 150 }),
        pitch: Type.Integer({ minimum: 0, maximum: 99, default: 50 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type AnnouncerConfig = Static<typeof AnnouncerConfigSchema>;

/** Anything shaped like the config, with any field left out. */
export type AnnouncerConfigInput = Partial<Omit<AnnouncerConfig, 'espeak' | 'zones'>> & { espeak?: Partial<AnnouncerConfig['espeak']>; zones?: AnnouncerConfig['zones'] };

export const DEFAULT_ANNOUNCER_CONFIG: AnnouncerConfig = resolveAnnouncerConfig({});

/** Fills defaults and checks ranges and templates; throws HQ_ERR_VOICE_CONFIG or HQ_ERR_VOICE_TEMPLATE. */
export function resolveAnnouncerConfig(input: AnnouncerConfigInput | undefined): AnnouncerConfig {
  const filled: unknown = Value.Default(AnnouncerConfigSchema, structuredClone(input ?? {}));
  const problems = [...Value.Errors(AnnouncerConfigSchema, filled)].map((e) => `${e.path || '/'}: ${e.message}`);
  if (problems.length > 0 || !Value.Check(AnnouncerConfigSchema, filled)) {
    throw new VoiceError('HQ_ERR_VOICE_CONFIG', `invalid announcer config:\n  - ${problems.join('\n  - ')}`);
  }
  // Templates are checked here, at start-up, not on the first call.
  announcerPlanRules(filled);
  announcerPlanRules(filled, true);
  return filled;
}

/** How a call is read: the hall's templates, or at a peak (`busy`) the short ones, with or without the chime. */
export function announcerPlanRules(config: AnnouncerConfig, busy = false): PlanRules {
  return busy
    ? planRules({ template: config.busyTemplate, recallTemplate: config.busyRecallTemplate, chime: config.chime && config.busyChime, one: config.readOneAs })
    : planRules({ template: config.template, recallTemplate: config.recallTemplate, chime: config.chime, one: config.readOneAs });
}
