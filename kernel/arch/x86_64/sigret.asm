; arch_user_return(uframe): leave the kernel stack for ring 3 through
; trap_return (iretq), so that every register of the frame comes back,
; rcx and r11 too (sysret would take them for rip and rflags).  uframe is
; the current thread's frame at its kernel stack top: nothing below it is
; needed any more.
bits 64
section .text
extern trap_return
global arch_user_return
arch_user_return:
	cli
	mov rsp, rdi
	jmp trap_return
