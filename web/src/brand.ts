/** The operator's name and colour that the shell shows, set by the page that found the card. */
import { createContext, useContext } from 'react';
import type { Storefront } from './api.js';

export interface Brand {
  name: string;
  color: string;
}

export const BrandContext = createContext<{ brand: Brand | undefined; setBrand(brand: Brand): void; storefront: Storefront | undefined }>({
  brand: undefined,
  setBrand: () => {},
  storefront: undefined,
});

export const useBrand = () => useContext(BrandContext);
