// Bumped whenever the set of installed packs changes (import, removal), so
// screens that list packs fetch again.
let stamp = $state(0);

export const libraryState = {
  get stamp(): number {
    return stamp;
  },
};

export function packsChanged(): void {
  stamp += 1;
}
