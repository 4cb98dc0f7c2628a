; Application-processor start-up code.  smp.c copies the .trampoline section
; to AP_TRAMPOLINE_PA (0x8000) and fills the parameter block at its end; an AP
; woken by INIT-SIPI-SIPI starts here in real mode, goes through protected mode
; to long mode on the kernel's page tables (which still identity-map the first
; 1 GiB), and jumps to ap_entry(cpu) in the higher half on its own stack.

%define TRAMP_PA 0x8000
%define T(x) ((x) - tramp_start + TRAMP_PA)

section .trampoline progbits alloc exec
global tramp_start, tramp_params
bits 16
tramp_start:
	cli
	cld
	xor ax, ax
	mov ds, ax
	lgdt [T(tramp_gdt_ptr)]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	jmp dword 0x08:T(tramp_pm)

bits 32
tramp_pm:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, (1 << 5) | (1 << 7)         ; PAE | PGE
	mov cr4, eax
	mov eax, [T(tramp_cr3)]
	mov cr3, eax
	mov ecx, 0xC0000080
	rdmsr
	or eax, [T(tramp_efer)]
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16)       ; PG | WP
	mov cr0, eax
	jmp 0x18:T(tramp_lm)

bits 64
tramp_lm:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [T(tramp_stack)]
	mov edi, [T(tramp_cpu)]
	xor ebp, ebp
	mov rax, [T(tramp_entry)]
	jmp rax

align 16
tramp_gdt:
	dq 0
	dq 0x00CF9A000000FFFF               ; 0x08: 32-bit code
	dq 0x00CF92000000FFFF               ; 0x10: data
	dq 0x00AF9A000000FFFF               ; 0x18: 64-bit code
tramp_gdt_ptr:
	dw tramp_gdt_ptr - tramp_gdt - 1
	dd T(tramp_gdt)

align 8
tramp_params:                           ; struct tramp_params in smp.c
tramp_cr3:   dd 0
tramp_efer:  dd 0
tramp_stack: dq 0
tramp_entry: dq 0
tramp_cpu:   dd 0
	dd 0
