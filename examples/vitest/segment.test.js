// A consumer's Vitest suite: the package in Node (Vitest's default environment), no config.
import { describe, expect, test } from "vitest";
import { generateSample, segment, version } from "hcp-segments";

describe("hcp-segments under Vitest", () => {
  test("segments the sample universe", () => {
    const result = segment(generateSample(2000, 42), { k: 3, seed: 42 });
    expect(result.segments).toHaveLength(3);
    expect(result.assignments).toHaveLength(2000);
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test("an input error is an Error with a code and a line", () => {
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
