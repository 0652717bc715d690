import type { HallConfig } from '../config/schema.ts';
import type { Db } from '../store/open-db.ts';
import { assessmentReport } from './assessment.ts';
import { listDeductions } from './deductions.ts';
import { estimateAccuracy } from './estimates.ts';
import { flowReport } from './flow-report.ts';
import { indicatorsReport } from './indicators.ts';
import { monthlyTables } from './monthly.ts';
import { quietTimes } from './quiet-times.ts';
import { rankingPublication } from './ranking.ts';
import { staffingReport } from './staffing.ts';
import type { AssessmentReport, DeductionRow, EstimateAccuracy, FlowQuery, FlowReport, IndicatorsReport, MonthlyTableKey, PeriodRef, QuietTimes, RankingPublication, StaffingReport } from './types.ts';

/** A report the hub asks for: what the worker thread runs. Plain data, so it crosses threads. */
export type ReportJob =
  | { kind: 'flow'; query: FlowQuery }
  | { kind: 'staffing'; date: string }
  | { kind: 'estimates'; from: string; to: string }
  | { kind: 'assessment'; period: PeriodRef }
  | { kind: 'ranking'; period: PeriodRef; today: string }
  | { kind: 'indicators'; from: string; to: string }
  | { kind: 'quiet' }
  | { kind: 'deductions'; from: string; to: string }
  | { kind: 'xlsx'; month: string }
  | { kind: 'csv'; month: string; table: MonthlyTableKey };

export interface ReportResults {
  flow: FlowReport;
  staffing: StaffingReport;
  estimates: EstimateAccuracy;
  assessment: AssessmentReport;
  ranking: RankingPublication;
  indicators: IndicatorsReport;
  quiet: QuietTimes;
  deductions: DeductionRow[];
  xlsx: Uint8Array;
  csv: string;
}

export type ReportKind = ReportJob['kind'];
export type JobOf<K extends ReportKind> = Extract<ReportJob, { kind: K }>;

/** Runs one report on a connection, at the hub's `now`. The worker calls this; so can a test. */
export async function runReport<K extends ReportKind>(db: Db, config: HallConfig, job: JobOf<K>, now: number): Promise<ReportResults[K]> {
  const j = job as ReportJob;
  const result = await (async (): Promise<ReportResults[ReportKind]> => {
    switch (j.kind) {
      case 'flow':
        return flowReport(db, config, j.query, now);
      case 'staffing':
        return staffingReport(db, config, j.date, now);
      case 'estimates':
        return estimateAccuracy(db, config, j.from, j.to, now);
      case 'assessment':
        return assessmentReport(db, config, j.period, now);
      case 'ranking':
        return rankingPublication(assessmentReport(db, config, j.period, now), config, j.today, now);
      case 'indicators':
        return indicatorsReport(db, config, j.from, j.to, now);
      case 'quiet':
        return quietTimes(db, config, now);
      case 'deductions':
        return listDeductions(db, config, j.from, j.to);
      case 'xlsx': {
        // ExcelJS (and its CSV parser) load only in a thread that writes a workbook: not on the hub's start path.
        const { toXlsx } = await import('./writers.ts');
        const buf = await toXlsx(monthlyTables(db, config, j.month, now));
        // A fresh buffer of its own, so it can be handed to the hub's thread without a copy.
        return new Uint8Array(buf);
      }
      case 'csv': {
        const t = monthlyTables(db, config, j.month, now, j.table);
        const { toCsv } = await import('./writers.ts');
        return toCsv(t, t.tables[0]!);
      }
      default: {
        const _exhaustive: never = j;
        return _exhaustive;
      }
    }
  })();
  return result as ReportResults[K];
}
