// Unit tests of the class search and label shortening: `npm test` in web/.
import assert from "node:assert/strict";
import { test } from "node:test";
import { searchClasses, shorten } from "../src/classes.js";

// A 1000-class label list with a few real ImageNet names among indexed ones.
const LABELS = Array.from({ length: 1000 }, (_, i) => ({ classId: i, key: `n${String(i).padStart(8, "0")}`, name: `class_${i}` }));
LABELS[1] = { classId: 1, key: "n01443537", name: "goldfish" };
LABELS[2] = { classId: 2, key: "n01484850", name: "great white shark" };
LABELS[3] = { classId: 3, key: "n01491361", name: "tiger shark" };
LABELS[292] = { classId: 292, key: "n02129604", name: "tiger" };
LABELS[282] = { classId: 282, key: "n02123159", name: "tiger cat" };

test("typing narrows the 1000 classes: prefix matches first, then names containing the text", () => {
  const ids = searchClasses(LABELS, "tig").map((l) => l.classId);
  assert.deepEqual(ids, [3, 282, 292]);
  assert.deepEqual(searchClasses(LABELS, "shark").map((l) => l.classId), [2, 3]);
  assert.deepEqual(searchClasses(LABELS, "TIGER C").map((l) => l.classId), [282]);
});

test("a class id finds that class first; the list is capped", () => {
  const r = searchClasses(LABELS, "292", 5);
  assert.equal(r[0].classId, 292);
  assert.equal(searchClasses(LABELS, "class_", 12).length, 12);
  assert.deepEqual(searchClasses(LABELS, "  "), []);
});

test("chosen classes are not offered again", () => {
  assert.deepEqual(searchClasses(LABELS, "tiger", 12, new Set([292])).map((l) => l.classId), [3, 282]);
});

test("long labels are shortened to the limit with an ellipsis, short ones kept", () => {
  assert.equal(shorten("goldfish"), "goldfish");
  const long = "German short-haired pointer, with a long description";
  const s = shorten(long, 24);
  assert.equal(s.length, 24);
  assert.ok(s.endsWith("…"));
  assert.ok(long.startsWith(s.slice(0, -1)));
});
