import { secondsOf } from '@gatehouse/base';

/** The current time in whole seconds since the epoch, as every stored timestamp is. */
export const nowSeconds = (): number => secondsOf();
