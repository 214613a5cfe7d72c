/** A labelled text field with its hint and the problem to fix, wired for screen readers. */
import { type InputHTMLAttributes, useId } from 'react';

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
      {problem && (
        <small id={problemId} className="problem">
          {problem}
        </small>
      )}
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
