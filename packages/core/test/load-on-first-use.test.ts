import { describe, expect, it } from "vitest";
import { loadOnFirstUse, parseXmlDocument, XmlDecodeError } from "../src/index.js";

describe("loadOnFirstUse", () => {
  it("runs a synchronous load once and returns what it returned", () => {
    let loads = 0;
    const get = loadOnFirstUse(() => ({ loaded: ++loads }));
    const first = get();
    expect(get()).toBe(first);
    expect(loads).toBe(1);
  });

  it("gives the same promise to every caller of an async load", async () => {
    let loads = 0;
    const get = loadOnFirstUse(async () => ++loads);
    const [a, b] = [get(), get()];
    expect(a).toBe(b);
    expect(await a).toBe(1);
    expect(loads).toBe(1);
  });

  it("keeps nothing when the load throws or rejects: the next call tries again", async () => {
    let attempt = 0;
    const sync = loadOnFirstUse(() => {
      if (++attempt === 1) throw new Error("first load fails");
      return attempt;
    });
    expect(() => sync()).toThrow("first load fails");
    expect(sync()).toBe(2);

    let tries = 0;
    const async = loadOnFirstUse(async () => {
      if (++tries === 1) throw new Error("first import fails");
      return tries;
    });
    await expect(async()).rejects.toThrow("first import fails");
    expect(await async()).toBe(2);
  });
});

describe("the modules core loads on first use", () => {
  it("parses XML with the lazily loaded parser and names the line of a broken document", () => {
    expect(parseXmlDocument('<a x="1"><b>t</b></a>')).toStrictEqual({
      name: "a",
      attributes: { x: "1" },
      children: [{ name: "b", attributes: {}, children: [], text: "t" }],
      text: "",
    });
    expect(() => parseXmlDocument("<a>\n<b></a>")).toThrow(XmlDecodeError);
    expect(() => parseXmlDocument("<a>\n<b></a>")).toThrow(/line 2/);
  });
});
