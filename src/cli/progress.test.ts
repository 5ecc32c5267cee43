import { progressBar } from './progress';

function stream(isTTY: boolean): { writes: string[]; s: NodeJS.WriteStream & { isTTY?: boolean } } {
  const writes: string[] = [];
  return { writes, s: { isTTY, columns: 80, write: (t: string) => writes.push(t) } as unknown as NodeJS.WriteStream };
}

describe('progressBar', () => {
  it('draws on a terminal, and clears when done', () => {
    const { writes, s } = stream(true);
    const p = progressBar(s, 10);
    p.total(4);
    p.step('reading');
    p.step('converting');
    p.done();
    expect(writes[0]).toContain('[###-------] 1/4 reading');
    expect(writes[1]).toContain('[#####-----] 2/4 converting');
    expect(writes[2]).toBe('\r\x1b[K');
  });

  it('writes nothing when stderr is not a terminal', () => {
    const { writes, s } = stream(false);
    const p = progressBar(s);
    p.total(2);
    p.step('x');
    p.done();
    expect(writes).toEqual([]);
  });
});
