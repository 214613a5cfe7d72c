/** A locale file's shape: the Chinese file's keys, every text a string. */
export type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
