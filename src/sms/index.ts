import type { SmsChannel } from '../../devices/sms-modem/channel.ts';
import { endpointForUri } from '../../devices/endpoint.ts';
import { SmsModem } from '../../devices/sms-modem/driver/sms-modem.ts';
import type { SmsModemSimulator } from '../../devices/sms-modem/simulator/sms-modem-simulator.ts';
import { HttpSmsGateway } from './http-gateway.ts';
import type { HallConfig } from '../config/schema.ts';
import { ContactVault } from '../personal/contact-vault.ts';
import { TextSeal } from '../personal/text-seal.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import type { Db } from '../store/open-db.ts';
import { SmsOutbox } from './sms-outbox.ts';
import { SmsService, type SmsServiceDeps } from './sms-service.ts';

export interface Sms {
  vault: ContactVault;
  outbox: SmsOutbox;
  service: SmsService;
}

/**
 * The hall's SMS, when the config has an `sms` section: the contact vault (phone numbers, sealed under
 * the contact key), the outbox and the service, wired to the command path (numbers held in the
 * commit's transaction; reminders from committed events).
 */
export function createSms(opts: {
  db: Db;
  handler: CommandHandler;
  config: HallConfig;
  hmacKey: Buffer;
  contactKey: Buffer;
  channel: SmsChannel | null;
  ticketLink: (ticketId: string) => string;
  onStatus?: SmsServiceDeps['onStatus'];
  log?: SmsServiceDeps['log'];
}): Sms | null {
  const settings = opts.config.sms;
  if (!settings) return null;
  const seal = new TextSeal(opts.contactKey, 'the contact key');
  const vault = new ContactVault(opts.db, opts.hmacKey, seal);
  const outbox = new SmsOutbox(opts.db, seal);
  const service = new SmsService({
    db: opts.db,
    handler: opts.handler,
    config: opts.config,
    settings,
    vault,
    outbox,
    inboxSeal: seal,
    channel: opts.channel,
    ticketLink: opts.ticketLink,
    ...(opts.onStatus ? { onStatus: opts.onStatus } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  opts.handler.setContactKeeper({ hold: (owner, phone, at) => void vault.hold(owner, phone, at, settings.remindAhead > 0 ? settings.remindAhead : null) });
  opts.handler.onCommitted((events) => service.onEvents(events));
  return { vault, outbox, service };
}

export interface SmsChannelOfConfig {
  channel: SmsChannel | null;
  /** The modem itself (its link status goes to the health board). */
  modem: SmsModem | null;
  gateway: HttpSmsGateway | null;
  /** `sim`: the simulated modem on the other end of the same bytes (demo texts are injected here). */
  simulator: SmsModemSimulator | null;
}

/** The channel the config names: a modem on a serial port (or `sim`), or the operator's gateway; none without either. */
export function smsChannelOf(config: HallConfig): SmsChannelOfConfig {
  const sms = config.sms;
  if (sms?.modem) {
    const ep = endpointForUri('smsModem', sms.modem.uri);
    const modem = new SmsModem(ep.transport);
    return { channel: modem, modem, gateway: null, simulator: ep.simulator };
  }
  if (sms?.gateway) {
    const gateway = new HttpSmsGateway(sms.gateway);
    return { channel: gateway, modem: null, gateway, simulator: null };
  }
  return { channel: null, modem: null, gateway: null, simulator: null };
}
