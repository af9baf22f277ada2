/** What a google-gax error carries besides Google's message: the stand-in's hint and Google's Help links. */
type Detailed = { statusDetails?: { detail?: string; links?: { description: string; url: string }[] }[] };

/** The google.rpc.DebugInfo detail: the emulator's own hint. */
export const hintOf = (error: unknown): string =>
  ((error as Detailed).statusDetails ?? [])
    .map((detail) => detail.detail)
    .filter(Boolean)
    .join(' ');

/** The google.rpc.Help links, as Google attaches to invalid names. */
export const helpLinksOf = (error: unknown) => ((error as Detailed).statusDetails ?? []).flatMap((detail) => detail.links ?? []);
