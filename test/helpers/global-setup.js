// One id per test run: test/helpers/next-server.ts builds the Next app once per id. A caller may
// set it for several jest runs over the same sources (.ci/run: the unit and browser runs share
// one build).
module.exports = async () => {
  process.env.NEXT_TEST_BUILD_ID ??= `${process.pid}-${Date.now()}`;
};
