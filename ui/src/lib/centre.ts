// Centre progress as table rows: one per profile and course (or one for a
// profile that has not started any course).
import type { LocalText, PackSummary, Progress } from '../platform';

export interface CentreRow {
  key: string;
  name: string;
  archived: boolean;
  facilitator: boolean;
  pack: string | null;
  title: LocalText | null;
  completed: boolean;
  lessonsDone: number;
  lessonTotal: number | null;
  seconds: number;
  quizzesMastered: number;
  quizzesTried: number;
  bestScore: number | null;
}

export function centreRows(progress: Progress, packs: readonly PackSummary[], includeArchived: boolean): CentreRow[] {
  const byId = new Map(packs.map((p) => [p.id, p]));
  const rows: CentreRow[] = [];
  const learners = progress.learners
    .filter((l) => includeArchived || !l.archived)
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const learner of learners) {
    const base = { name: learner.name, archived: learner.archived, facilitator: learner.role === 'facilitator' };
    if (learner.courses.length === 0) {
      rows.push({
        ...base,
        key: learner.id,
        pack: null,
        title: null,
        completed: false,
        lessonsDone: 0,
        lessonTotal: null,
        seconds: 0,
        quizzesMastered: 0,
        quizzesTried: 0,
        bestScore: null,
      });
      continue;
    }
    for (const course of learner.courses) {
      const summary = byId.get(course.pack);
      const scores = course.quizzes.map((q) => q.best_score).filter((s): s is number => s !== null);
      rows.push({
        ...base,
        key: `${learner.id}/${course.pack}`,
        pack: course.pack,
        title: summary?.title ?? null,
        completed: course.completed,
        lessonsDone: course.lessons.filter((l) => l.completed).length,
        lessonTotal: summary ? summary.lesson_count : null,
        seconds: course.lessons.reduce((sum, l) => sum + l.active_seconds, 0),
        quizzesMastered: course.quizzes.filter((q) => q.mastered).length,
        quizzesTried: course.quizzes.filter((q) => q.attempts > 0).length,
        bestScore: scores.length ? Math.max(...scores) : null,
      });
    }
  }
  return rows;
}
