/**
 * The command phase's dossiers: a new village each, round-robin over the communes it may use, numbered across every
 * phase of a run (one process, then two), so that no village is opened twice. A commune whose village opening is
 * refused leaves the rotation. The command phase used to take a commune per dossier and ran out of communes once
 * the API was fast enough (357 communes, 15 s at 8 clients on a quiet machine): the run died before its commands
 * were measured.
 */
export interface VillageSource<C> {
  /** The next dossier's commune and its village number, unique for the run. */
  next(): { commune: C; village: number };
  /** The commune refused a village opening: never offered again. */
  refuse(commune: C): void;
}

export function villageSource<C>(communes: readonly C[]): VillageSource<C> {
  const live = [...communes];
  let village = 0;
  return {
    next() {
      if (live.length === 0) throw new Error('every commune of the command load refused a village opening');
      const commune = live[village % live.length]!;
      return { commune, village: village++ };
    },
    refuse(commune) {
      const i = live.indexOf(commune);
      if (i >= 0) live.splice(i, 1);
    },
  };
}
