/**
 * Long lists in `inspect`'s text, kept readable: an LSTM's weights summarised layer by layer
 * (runs of layers with the same tensors and shapes on one line: a 32-layer `nn.LSTM` takes
 * three lines, not one of 3,000 characters), and any other list wrapped at {@link WIDTH}.
 */

/** Lines are wrapped at this many characters (a long name alone may exceed it). */
export const WIDTH = 100;

/** A list already on one line when it fits in this many characters (with its heading). */
const ONE_LINE = 160;

interface NamedShape {
  readonly name: string;
  readonly shape: readonly number[];
}

const shapeOf = (t: NamedShape): string => `[${t.shape.join(', ')}]`;

/**
 * `head` followed by `items` separated by commas, on as many lines as it takes: the first line
 * starts with `head`, the others are indented by `indent`.
 */
export function wrapList(head: string, items: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = head;
  items.forEach((item, k) => {
    const piece = item + (k < items.length - 1 ? ',' : '');
    if (line !== head && line.length + 1 + piece.length > WIDTH) {
      lines.push(line);
      line = indent + piece;
    } else {
      line = `${line} ${piece}`;
    }
  });
  lines.push(line);
  return lines;
}

/** Which layer a tensor belongs to, and its name with that layer replaced by a placeholder. */
function layerOf(name: string): { layer: string; template: string } | null {
  const torch = /_l(\d+)(_reverse)?$/.exec(name);
  if (torch) return { layer: `l${torch[1]}`, template: `${name.slice(0, torch.index)}_l{k}${torch[2] ?? ''}` };
  const slash = name.indexOf('/');
  if (slash > 0) {
    const layer = name.slice(0, slash);
    return { layer, template: name.split(layer).join('{layer}') };
  }
  return null;
}

/**
 * The `weights:` lines of one LSTM: one line when short; else one line per run of layers whose
 * tensors have the same names (up to the layer) and shapes, e.g.
 * `l1 to l31 (31 layers, each): lstm.weight_ih_l{k} [128, 32], ...`.
 */
export function weightLines(head: string, tensors: readonly NamedShape[], indent: string): string[] {
  const all = tensors.map((t) => `${t.name} ${shapeOf(t)}`);
  const oneLine = `${head} ${all.join(', ')}`;
  if (oneLine.length <= ONE_LINE) return [oneLine];
  const found = tensors.map((t) => layerOf(t.name));
  if (found.some((f) => f === null)) return wrapList(head, all, `${indent}  `);
  const layers: { layer: string; tensors: NamedShape[]; templates: NamedShape[]; signature: string }[] = [];
  for (const [k, t] of tensors.entries()) {
    const { layer, template } = found[k]!;
    let last = layers[layers.length - 1];
    if (!last || last.layer !== layer) {
      last = { layer, tensors: [], templates: [], signature: '' };
      layers.push(last);
    }
    last.tensors.push(t);
    last.templates.push({ name: template, shape: t.shape });
    last.signature += `${template} ${shapeOf(t)};`;
  }
  const lines = [`${head} ${tensors.length} tensors in ${layers.length} layer${layers.length === 1 ? '' : 's'}`];
  for (let k = 0; k < layers.length; ) {
    let end = k + 1;
    while (end < layers.length && layers[end].signature === layers[k].signature) end++;
    const run = end - k;
    const label = run === 1 ? `${layers[k].layer}:` : `${layers[k].layer} to ${layers[end - 1].layer} (${run} layers, each):`;
    const names = (run === 1 ? layers[k].tensors : layers[k].templates).map((t) => `${t.name} ${shapeOf(t)}`);
    lines.push(...wrapList(`${indent}${label}`, names, `${indent}  `));
    k = end;
  }
  return lines;
}
