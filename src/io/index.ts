/** Reading and writing real weight files. */
export {};
