import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DUPLICATE_THRESHOLD, normalizePlace, scoreDuplicate, type DuplicateSubject } from '../src/search/duplicates.ts';

const person = (names: string[], extra: Partial<DuplicateSubject> = {}): DuplicateSubject => ({ names: names.map((text) => ({ text })), ...extra });

describe('scoreDuplicate', () => {
  it('scores the same person across scripts high, and says why', () => {
    const cases: Array<[DuplicateSubject, DuplicateSubject, RegExp]> = [
      [person(['Жанаргүл Жұматай'], { birth: '1984' }), person(['Zhanargul Zhumatai'], { birth: '1984' }), /names: Cyrillic Жанаргүл ≈ Latin Zhanargul; Жұматай ≈ Zhumatai/],
      [person(['ئابدۇرېھىم ھېيت'], { birth: '1965' }), person(['Abdurehim Heyit'], { birth: '1965' }), /names: Arabic script ئابدۇرېھىم ≈ Latin Abdurehim/],
      [person(['阿不都热依木·海提'], { birth: '1965' }), person(['Abdurehim Heyit', 'Абдурехим Хейит'], { birth: '1965' }), /names: Chinese 阿不都热依木 ≈/],
      [person(['Janargül Jumatai'], { birth: '1984-03-02' }), person(['Жанаргүл Жұматай'], { birth: '1984-03-02' }), /names: .*Janargül ≈ .*Жанаргүл/],
    ];
    for (const [a, b, explanation] of cases) {
      const result = scoreDuplicate(a, b);
      assert.ok(result.score >= 0.7, `${a.names[0]!.text} / ${b.names[0]!.text}: ${JSON.stringify(result)}`);
      assert.match(result.reasons.find((r) => r.field === 'names')!.text, explanation);
      assert.ok(result.reasons.some((r) => r.field === 'birth' && r.weight > 0 && /both/.test(r.text)), JSON.stringify(result.reasons));
      // Symmetric enough that the order of the two records does not change the verdict.
      assert.ok(Math.abs(scoreDuplicate(b, a).score - result.score) < 0.05);
    }
  });

  it('scores namesakes born years apart low, with a negative birth reason', () => {
    const result = scoreDuplicate(person(['Zhanargul Zhumatai'], { birth: '1984' }), person(['Zhanargul Zhumatai'], { birth: '1991' }));
    assert.ok(result.score < DUPLICATE_THRESHOLD, JSON.stringify(result));
    const birth = result.reasons.find((r) => r.field === 'birth')!;
    assert.equal(birth.text, 'birth: 1984 vs 1991 (different)');
    assert.ok(birth.weight < 0);
  });

  it('reads uncertain and approximate dates as ranges that may overlap', () => {
    const table: Array<[string, string, 'plus' | 'small-minus' | 'minus']> = [
      ['1984~', '1985', 'plus'],
      ['1984?', '1983', 'plus'],
      ['198X', '1984', 'plus'],
      ['1983/1985', '1984-06', 'plus'],
      ['1984', '1985', 'small-minus'],
      ['1984', '1990', 'minus'],
      ['1984%', '1987', 'plus'],
    ];
    for (const [x, y, expected] of table) {
      const birth = scoreDuplicate(person(['Aigerim Serikova'], { birth: x }), person(['Aigerim Serikova'], { birth: y })).reasons.find((r) => r.field === 'birth')!;
      const kind = birth.weight > 0 ? 'plus' : birth.weight > -0.2 ? 'small-minus' : 'minus';
      assert.equal(kind, expected, `${x} vs ${y}: ${birth.text}`);
    }
    // A date that does not parse is no evidence either way.
    assert.ok(!scoreDuplicate(person(['Aigerim Serikova'], { birth: 'not a date' }), person(['Aigerim Serikova'], { birth: '1984' })).reasons.some((r) => r.field === 'birth'));
  });

  it('weighs father’s name, hometown, relatives, sex and ethnicity, each with its reason', () => {
    const a = person(['Жанаргүл Жұматай'], { father_name: 'Жұматай', hometown: 'Ghulja', sex: 'female', ethnicity: 'kazakh' });
    const b = person(['Zhanargul Zhumatai'], { father_name: 'Zhumatai', hometown: 'ghulja.', sex: 'female', ethnicity: 'kazakh' });
    const result = scoreDuplicate(a, b, { a: ['Асқар Жұматай'], b: ['Askar Zhumatai', 'Nurlan Serikov'] });
    const byField = Object.fromEntries(result.reasons.map((r) => [r.field, r]));
    assert.match(byField.father_name!.text, /^father's name: Жұматай ≈ Zhumatai$/);
    assert.equal(byField.hometown!.text, 'hometown: both Ghulja');
    assert.equal(byField.relatives!.text, 'relatives: Асқар Жұматай ≈ Askar Zhumatai');
    assert.equal(byField.ethnicity!.text, 'ethnicity: both kazakh');
    assert.ok(result.score > 0.8);
    // The weights add up to the score (within rounding, before the clamp to 1).
    assert.ok(Math.abs(Math.min(1, result.reasons.reduce((s, r) => s + r.weight, 0)) - result.score) < 0.01);

    const against = scoreDuplicate(
      person(['Zhanargul Zhumatai'], { father_name: 'Serik', sex: 'female', ethnicity: 'kazakh' }),
      person(['Zhanargul Zhumatai'], { father_name: 'Abdurehim', sex: 'male', ethnicity: 'uyghur' }),
    );
    const negatives = against.reasons.filter((r) => r.weight < 0).map((r) => r.field).sort();
    assert.deepEqual(negatives, ['ethnicity', 'father_name', 'sex']);
    assert.ok(against.score < DUPLICATE_THRESHOLD);
  });

  it('gives nothing without a name in common, and copes with empty or hostile input', () => {
    assert.equal(scoreDuplicate(person(['Zhanargul Zhumatai'], { birth: '1984', hometown: 'Ghulja' }), person(['Nurlan Serikov'], { birth: '1984', hometown: 'Ghulja' })).score, 0);
    assert.equal(scoreDuplicate(person([]), person(['Nurlan Serikov'])).score, 0);
    assert.equal(scoreDuplicate(person(['!!!']), person(['???'])).score, 0);
    const long = scoreDuplicate(person(['x'.repeat(300), 'Zhanargul\u200d Zhumatai']), person(['Zhanargul Zhumatai']));
    assert.ok(long.score >= 0 && long.score <= 1);
  });

  it('normalises places: case, diacritics, punctuation', () => {
    assert.equal(normalizePlace('  Ürümqi,  Xinjiang '), 'urumqi xinjiang');
    assert.equal(normalizePlace('GHULJA.'), 'ghulja');
  });
});
