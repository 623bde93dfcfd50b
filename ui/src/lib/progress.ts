// How a lesson's progress reads to the learner.
import type { MyLesson } from '../platform';

export type LessonStatus = 'done' | 'quiz' | 'started' | 'todo';

export function lessonStatus(lesson: Pick<MyLesson, 'completed' | 'opened' | 'position' | 'completion' | 'quiz'>): LessonStatus {
  if (lesson.completed) return 'done';
  if (!lesson.opened) return 'todo';
  if (lesson.quiz && !lesson.quiz.mastered && lesson.completion.kind === 'quiz_mastered' && lesson.position >= 9900) return 'quiz';
  return 'started';
}
