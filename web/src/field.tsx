/** A labelled text field with its hint and the problem to fix, wired for screen readers. */
import { type InputHTMLAttributes, type ReactElement, type RefObject, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export function TextField({
  label,
  hint,
  problem,
  ...input
}: { label: string; hint?: string; problem?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const hintId = useId();
  const problemId = useId();
  const describedBy = [hint ? hintId : '', problem ? problemId : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={problem ? true : undefined} aria-describedby={describedBy || undefined} {...input} />
      {hint && <small id={hintId}>{hint}</small>}
      {/* Always in the page, so a screen reader announces a problem as it appears. */}
      <span className="problem-slot" aria-live="polite">
        {problem && (
          <small id={problemId} className="problem">
            {problem}
          </small>
        )}
      </span>
    </div>
  );
}

/** A problem the page must announce at once (an API error in words), or nothing. */
export function Alert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="alert" role="alert">
      {message}
    </p>
  );
}

/**
 * For a form checked before it is sent: `refused()` after a submit with problems announces
 * how many fields to fix (an alert naming them) and moves the focus to the first invalid
 * field once the problems are shown, where a screen reader reads its label and problem.
 * The alert stays while `problems` (the form's count of fields to fix) is above zero.
 */
export function useRefusedSubmit(problems: number): { form: RefObject<HTMLFormElement | null>; refused(): void; summary: ReactElement | null } {
  const { t } = useTranslation();
  const form = useRef<HTMLFormElement>(null);
  const [refusals, setRefusals] = useState(0);
  const [names, setNames] = useState<string[]>([]);
  const refused = useCallback(() => setRefusals((n) => n + 1), []);
  useEffect(() => {
    if (refusals === 0 || !form.current) return;
    const invalid = [...form.current.querySelectorAll<HTMLInputElement>('[aria-invalid="true"]')];
    setNames(invalid.map((field) => field.labels?.[0]?.textContent ?? field.name));
    invalid[0]?.focus();
  }, [refusals]);
  const summary =
    refusals > 0 && problems > 0 && names.length > 0 ? (
      <p className="alert form-problems" role="alert">
        {t('common.fixProblems', { count: names.length, fields: names.join(t('common.listSeparator')) })}
      </p>
    ) : null;
  return { form, refused, summary };
}
