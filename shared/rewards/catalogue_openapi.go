package rewards

// The API document states the values of the catalogue's enumerations (httpx reads
// OpenAPIEnums), so the web's types of them are their unions.

// OpenAPIEnums: an order's status.
func (Order) OpenAPIEnums() map[string][]string {
	return map[string][]string{"status": OrderStatuses}
}

// OpenAPIEnums: the status an order is moved to.
func (OrderStatusRequest) OpenAPIEnums() map[string][]string {
	return map[string][]string{"status": OrderStatuses[1:]}
}
