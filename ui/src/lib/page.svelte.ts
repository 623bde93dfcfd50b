// The current screen's name, for document.title (set by each screen).
let title = $state('');

export const page = {
  get title(): string {
    return title;
  },
  set title(value: string) {
    title = value;
  },
};
