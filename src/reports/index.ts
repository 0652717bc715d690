/**
 * The hall's numbers (issue #10): reports over the fact tables the hub writes in its commits
 * (service_facts, flow_slots, deductions, cases, pauses, followups). Each report is a function of a
 * read-only connection, the config and the hub's `now`; the hub runs them in a worker thread
 * (`ReportRunner`), and tests or tools may call them directly.
 *
 * The writers (`./writers.ts`) are not re-exported: they load ExcelJS, which the hub's routes import
 * this barrel for and must not carry; a report thread loads them when it writes a workbook.
 */
export { assessmentReport, GRADE_LABELS } from './assessment.ts';
export { DAY_TYPE_LABELS, dayTypeOf, isMarketDay, weekdayPattern, WEEKDAY_LABELS } from './day-type.ts';
export { listDeductions } from './deductions.ts';
export { clerksNeeded, erlangC, serviceLevel } from './erlang.ts';
export { estimateAccuracy, ESTIMATES_MAX_DAYS, median } from './estimates.ts';
export { checkFlowQuery, flowReport, MAX_DAYS as FLOW_MAX_DAYS } from './flow-report.ts';
export { daysOfType, historyRange, recordedDays } from './history.ts';
export { INDICATOR_DEFINITIONS, indicatorsReport, INDICATORS_MAX_DAYS } from './indicators.ts';
export { runReport, type JobOf, type ReportJob, type ReportKind, type ReportResults } from './jobs.ts';
export { monthlyTables } from './monthly.ts';
export { assessmentPeriod, checkDate, checkRange, isoWeek, monthPeriod, quarterPeriod, slotLabel, yearPeriod } from './period.ts';
export { hallHalfHours, pickQuietSlots, quietTimes } from './quiet-times.ts';
export { rankingPublication } from './ranking.ts';
export { ReportRunner, type ReportRunnerOptions } from './runner.ts';
export { followupsOpened, pausesBegun } from './sources.ts';
export { groupMinimum, handlingTime, staffingGroups, staffingReport } from './staffing.ts';
export * from './types.ts';
