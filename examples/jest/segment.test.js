// A consumer's Jest suite: the package in Node through require (Jest's default CommonJS), no config.
const { generateSample, segment, version } = require("hcp-segments");

describe("hcp-segments under Jest", () => {
  test("segments the sample universe", () => {
    const result = segment(generateSample(2000, 42), { k: 3, seed: 42 });
    expect(result.segments).toHaveLength(3);
    expect(result.assignments).toHaveLength(2000);
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test("an input error is an Error with a code", () => {
    let error;
    try {
      segment("", { k: 1 });
    } catch (e) {
      error = e;
    }
    expect(typeof error.message).toBe("string");
    expect(error.code).toMatch(/^[A-Z_]+$/);
  });
});
