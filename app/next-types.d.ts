// Next's global types (CSS imports, images). The generated next-env.d.ts has them too, but it is
// gitignored and written only by `next dev`/`next build`, while `npm test` type-checks a fresh
// clone before either has run.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
