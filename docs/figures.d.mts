// Types of docs/figures.mjs, for the tests that import it (test/docs/figures.test.ts).
export interface Figure {
  readonly name: string;
  readonly source: string;
  readonly render: (results: any) => string;
}
export declare const FIGURES: readonly Figure[];
export declare function runNote(run: { command: string; date: string; machine: string; commit: string }): string;
export declare function readResults(source: string): any;
export declare function packageBlock(): string;
export declare function figureBlock(readme: string, name: string): string | undefined;
export declare function fillFigures(readme: string, options?: { withPackage?: boolean }): string;
