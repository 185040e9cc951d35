/** What the demo API serves: fixed sample data, the same for every user. */
export const SAMPLE_ORDERS = [
  { id: 'ord_1001', item: 'Gatehouse mug', quantity: 2, total: 24 },
  { id: 'ord_1002', item: 'Gatehouse hoodie', quantity: 1, total: 55 },
  { id: 'ord_1003', item: 'Sticker pack', quantity: 3, total: 9 },
];

export const SAMPLE_VISITS = [
  { day: 'Mon', visits: 132 },
  { day: 'Tue', visits: 118 },
  { day: 'Wed', visits: 164 },
];
