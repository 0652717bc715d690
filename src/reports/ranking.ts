import type { HallConfig } from '../config/schema.ts';
import type { AssessmentReport, RankingPublication } from './types.ts';

/**
 * The month-end publication (月底公示) from a period's assessment: windows by rank (the unranked,
 * without a rating or a working day, after them by number), each with its grade and the 红旗窗口.
 * `final` says whether the period ended before `today`.
 */
export function rankingPublication(report: AssessmentReport, config: HallConfig, today: string, now: number): RankingPublication {
  const department = new Map(config.windows.map((w) => [w.id, w.department ?? null]));
  const windows = report.windows
    .map((w) => ({
      rank: w.rank,
      windowId: w.windowId,
      name: w.name,
      department: department.get(w.windowId) ?? null,
      grade: w.grade,
      gradeLabel: w.gradeLabel,
      redFlag: w.redFlag,
      total: w.total,
      satisfactionRate: w.satisfactionRate,
      served: w.served,
    }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.windowId - b.windowId);
  return {
    hall: { zh: config.hall.name, en: config.hall.nameEn ?? config.hall.name },
    period: report.period,
    final: report.period.to < today,
    generatedAt: now,
    grades: report.rules.grades,
    windows,
  };
}
