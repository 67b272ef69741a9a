import type { ActorType, DemoActor } from './demo-data.ts';
import type { County, Prefecture } from './demo-places.ts';

/** "Toli county" → "Toli County": the words are part of an institution's name there. */
export function official(name: string): string {
  return name.replace(/\b(county|city|prefecture)\b/g, (w) => w.charAt(0).toUpperCase() + w.slice(1));
}

/** Perpetrator institutions, made once each the first time a case needs them (parents first). */
export class ActorRegistry {
  readonly #actors = new Map<string, DemoActor>();

  list(): DemoActor[] {
    return [...this.#actors.values()];
  }

  #add(key: string, en: string, zh: string, type: ActorType, parent: string | null, place: string | null): string {
    if (!this.#actors.has(key)) {
      this.#actors.set(key, {
        key,
        name: en,
        names: [
          { text: en, script: 'Latn', lang: 'en' },
          { text: zh, script: 'Hans', lang: 'zh' },
        ],
        type,
        parent,
        place,
      });
    }
    return key;
  }

  regionPolice(): string {
    return this.#add('actor:xj-psd', 'Xinjiang Uyghur Autonomous Region Public Security Department', '新疆维吾尔自治区公安厅', 'police', null, 'Ürümqi, Xinjiang');
  }

  prefecturePolice(p: Prefecture): string {
    const parent = this.regionPolice();
    // In Xinjiang a prefecture (地区) has a public security division (公安处); cities and autonomous prefectures a bureau.
    const zh = p.zh.endsWith('地区') ? `${p.zh}公安处` : `${p.zh}公安局`;
    return this.#add(`actor:psb:${p.key}`, `${official(p.name)} Public Security Bureau`, zh, 'police', parent, `${p.name}, Xinjiang`);
  }

  stateSecurity(p: Prefecture): string {
    return this.#add(`actor:mss:${p.key}`, `${official(p.name)} State Security Bureau`, `${p.zh}国家安全局`, 'state_security', null, `${p.name}, Xinjiang`);
  }

  court(p: Prefecture): string {
    return this.#add(`actor:court:${p.key}`, `${official(p.name)} Intermediate People's Court`, `${p.zh}中级人民法院`, 'court', null, `${p.name}, Xinjiang`);
  }

  countyPolice(c: County): string {
    const parent = this.prefecturePolice(c.prefecture);
    if (c.key === 'urumqi') {
      return this.#add('actor:psb:urumqi-tianshan', 'Ürümqi Public Security Bureau, Tianshan district branch', '乌鲁木齐市公安局天山区分局', 'police', parent, 'Tianshan district, Ürümqi');
    }
    return this.#add(`actor:psb:${c.key}`, `${official(c.name)} Public Security Bureau`, `${c.zh}公安局`, 'police', parent, `${c.name}, ${c.prefecture.name}`);
  }

  exitEntry(c: County): string {
    const parent = this.countyPolice(c);
    return this.#add(`actor:exit:${c.key}`, `Exit-entry administration, ${official(c.name)} Public Security Bureau`, `${c.zh}公安局出入境管理大队`, 'police', parent, `${c.name}, ${c.prefecture.name}`);
  }

  camp(c: County): string {
    return this.#add(
      `actor:camp:${c.key}`,
      `"Vocational skills education and training centre", ${c.name}`,
      `${c.zh}职业技能教育培训中心`,
      'camp_administration',
      null,
      `${c.name}, ${c.prefecture.name}`,
    );
  }

  countyGovernment(c: County): string {
    return this.#add(`actor:gov:${c.key}`, `${official(c.name)} People's Government`, `${c.zh}人民政府`, 'local_government', null, `${c.name}, ${c.prefecture.name}`);
  }

  /** An actor that is not a county-level standard body (a neighbourhood committee, a township). */
  custom(key: string, en: string, zh: string, type: ActorType, parent: string | null, place: string | null): string {
    return this.#add(`actor:${key}`, en, zh, type, parent, place);
  }
}
