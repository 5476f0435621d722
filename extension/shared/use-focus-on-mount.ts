import { useEffect, useRef } from 'preact/hooks';

/** Moves focus to the element when a screen appears, so keyboard users land on its first field. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
