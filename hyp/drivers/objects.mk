objs-y += drivers/pl011.o
