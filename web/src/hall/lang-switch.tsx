/** The visible zh-CN/en switch, for the hall's pages that have no app header (kiosk, board, console). */
import { useTranslation } from 'react-i18next';
import { type Lang, setLanguage } from '../i18n.js';

export function LangSwitch({ className = 'lang' }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const other: Lang = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <button type="button" className={className} lang={other} title={t('app.languageLabel')} onClick={() => void setLanguage(other)}>
      {t('app.language')}
    </button>
  );
}
