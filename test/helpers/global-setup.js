// One id per `jest` run: test/helpers/next-server.ts builds the Next app once per id.
module.exports = async () => {
  process.env.NEXT_TEST_BUILD_ID = `${process.pid}-${Date.now()}`;
};
