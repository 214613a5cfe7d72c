/**
 * zh-CN by default; English by the visible switch or when the browser prefers it (its
 * Accept-Language). The choice is remembered in localStorage.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en.js';
import { zhCN } from './locales/zh-CN.js';

export type Lang = 'zh-CN' | 'en';
const KEY = 'simkeep.lang';

export function initialLanguage(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  const preferred = navigator.languages.find((l) => /^(zh|en)\b/i.test(l)) ?? 'zh-CN';
  return preferred.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

export async function setLanguage(lang: Lang): Promise<void> {
  localStorage.setItem(KEY, lang);
  await i18next.changeLanguage(lang);
}

i18next.on('languageChanged', (lang) => {
  document.documentElement.lang = lang;
});

export const i18nReady = i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});
