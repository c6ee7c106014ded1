export interface OrderSummary {
  id: string;
  item: string;
  status: string;
}

export interface Order extends OrderSummary {
  notes: string[];
}

export interface OrderList {
  orders: OrderSummary[];
}

export interface Catalog {
  path: string;
  items: string[];
}

/** `data` of an `orders.updated` event. */
export interface OrderUpdate {
  orderId: string;
  status: string;
}
