// The profile picker's notice when the start-up database check finds damage:
// calm, translated, never in the way of signing in.
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ProfilePicker from '../../src/components/ProfilePicker.svelte';
import { setLocale } from '../../src/i18n/index.svelte';
import { createHttpTransport, setTransport, type DatabaseHealth, type PickerProfile } from '../../src/platform';

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  document.body.innerHTML = '';
  setLocale('en');
  setTransport(createHttpTransport());
});

const PROFILES: PickerProfile[] = [
  { id: 'l1', name: 'Layla', avatar: 'colour-green', sign_in_with: 'none' } as unknown as PickerProfile,
];

function fake(states: Array<DatabaseHealth['state']>, fail = false) {
  const calls: string[] = [];
  setTransport({
    kind: 'http',
    contentBase: '/content/',
    hasToken: () => false,
    async call(command) {
      calls.push(command);
      if (command === 'profiles_for_picker') return PROFILES;
      if (command === 'database_health') {
        if (fail) throw { code: 'internal', message: 'no' };
        const state = (states.length > 1 ? states.shift() : states[0]) ?? 'ok';
        return { state, problems: [], took_ms: 10, backups: 1 } satisfies DatabaseHealth;
      }
      throw { code: 'not_found', message: `no ${command}` };
    },
  });
  return calls;
}

function render(purpose: 'start' | 'settings' = 'start') {
  const target = document.createElement('div');
  document.body.append(target);
  mounted = mount(ProfilePicker, { target, props: { purpose } });
  return target;
}

const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
};
const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

describe('the picker’s database notice', () => {
  it('asks learners, calmly, to tell a facilitator, and still lets them sign in', async () => {
    fake(['damaged']);
    const el = render();
    await settle();
    const notice = el.querySelector('.db-notice');
    expect(notice?.getAttribute('role')).toBe('status');
    expect(notice?.classList.contains('notice-error')).toBe(false);
    expect(text(notice)).toContain('This laptop’s saved work needs a check. You can keep learning. Please tell your facilitator.');
    const link = notice?.querySelector('a');
    expect(link?.getAttribute('href')).toBe('#/settings');
    expect(text(link)).toBe('Facilitators: check the database in Settings');
    // No details of the damage on a screen anyone can see.
    expect(text(notice)).not.toMatch(/btree|page|SQLite/i);
    expect(el.querySelectorAll('.profile-button')).toHaveLength(1);
  });

  it('is in every language', async () => {
    fake(['damaged']);
    setLocale('ar');
    const el = render();
    await settle();
    expect(text(el.querySelector('.db-notice'))).toContain('من فضلك أخبر الميسّر');
  });

  it('says nothing while the check runs, when it passes, or when it cannot be read', async () => {
    fake(['ok']);
    let el = render();
    await settle();
    expect(el.querySelector('.db-notice')).toBeNull();
    unmount(mounted!);
    mounted = null;

    fake(['checking']);
    el = render();
    await settle();
    expect(el.querySelector('.db-notice')).toBeNull();
    unmount(mounted!);
    mounted = null;

    fake([], true);
    el = render();
    await settle();
    expect(el.querySelector('.db-notice')).toBeNull();
    expect(el.querySelectorAll('.profile-button')).toHaveLength(1);
  });

  it('appears once the check that was running finds damage', async () => {
    const calls = fake(['checking', 'damaged']);
    const el = render();
    await settle();
    expect(el.querySelector('.db-notice')).toBeNull();
    await new Promise((r) => setTimeout(r, 2100));
    await settle();
    expect(el.querySelector('.db-notice')).not.toBeNull();
    expect(calls.filter((c) => c === 'database_health')).toHaveLength(2);
  });

  it('leaves out the Settings link when the facilitator is already signing in for Settings', async () => {
    fake(['damaged']);
    const el = render('settings');
    await settle();
    expect(el.querySelector('.db-notice')).not.toBeNull();
    expect(el.querySelector('.db-notice a')).toBeNull();
  });
});
