/** The part of jsfive's (untyped) API that `./reader` uses. jsfive throws strings as well as Errors. */
declare module 'jsfive' {
  /** jsfive's low-level object header (see `./guard`). */
  export interface DataObjects {
    readonly fh: ArrayBuffer;
    readonly msgs: ReadonlyArray<Map<string, number>>;
    readonly filter_pipeline: unknown[] | null;
    unpack_attribute(offset: number): [string, unknown];
  }
  export class Group {
    readonly name: string;
    readonly _dataobjects: DataObjects;
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): Group | Dataset | null;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    readonly dtype: unknown;
    readonly value: unknown;
    readonly attrs: Record<string, unknown>;
    readonly _dataobjects: DataObjects;
  }
}
